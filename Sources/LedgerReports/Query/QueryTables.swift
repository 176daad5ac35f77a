import LedgerCore
import LedgerStore

/// Query results as tables, one shape per `ledgersync query` subcommand.
public enum QueryTables {
    typealias Column = ReportTable.Column
    typealias Cell = ReportTable.Cell

    static func accountCells(_ account: AccountRef) -> [Cell] {
        [.text(account.source), .text(account.kind.rawValue), .text(account.key), .text(account.displayName)]
    }

    static let accountColumns = [Column("source"), Column("kind"), Column("account"), Column("name")]

    /// Balances or history rows: the figures of each version with both time axes.
    public static func balances(_ rows: [BalanceRow]) -> ReportTable {
        let columns =
            accountColumns + [
                Column("state"), Column("unit", inText: false), Column("available_balance"), Column("credit_limit"),
                Column("used"), Column("frozen", inText: false), Column("total_available", inText: false),
                Column("overdue", inText: false), Column("valid_from"), Column("valid_to", inText: false),
                Column("recorded_at"), Column("superseded_at", inText: false),
                Column("source_modified_at", inText: false), Column("observed_at", inText: false), Column("flagged"),
                Column("version_id", inText: false), Column("run_id", inText: false),
            ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                accountCells(row.account) + [
                    .text(row.state.rawValue), .text(row.unit?.name), .amount(row.availableBalance, row.unit),
                    .amount(row.creditLimit, row.unit), .amount(row.used, row.unit), .amount(row.frozen, row.unit),
                    .amount(row.totalAvailable, row.unit), .amount(row.overdue, row.unit), .instant(row.validFrom),
                    .instant(row.validTo), .instant(row.recordedAt), .instant(row.supersededAt),
                    .instant(row.sourceModifiedAt), .instant(row.observedAt), .bool(row.flagged),
                    .integer(row.versionID),
                    .integer(row.runID),
                ]
            })
    }

    /// Changes: before, after and the difference in available balance.
    public static func changes(_ rows: [ChangeRow]) -> ReportTable {
        let columns =
            accountColumns + [
                Column("at"), Column("state_before", inText: false), Column("state"), Column("unit", inText: false),
                Column("before"), Column("after"), Column("delta"), Column("version_id", inText: false),
                Column("previous_version_id", inText: false),
            ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                accountCells(row.account) + [
                    .instant(row.at), .text(row.stateBefore?.rawValue), .text(row.stateAfter.rawValue),
                    .text((row.unitAfter ?? row.unitBefore)?.name), .amount(row.before, row.unitBefore),
                    .amount(row.after, row.unitAfter), .amount(row.delta, row.unitAfter), .integer(row.versionID),
                    .integer(row.previousVersionID),
                ]
            })
    }

    /// Conflicts with both timestamps and both contents.
    public static func conflicts(_ rows: [ConflictRow]) -> ReportTable {
        let columns =
            [Column("id")] + accountColumns + [
                Column("conflict"), Column("resolution"), Column("stored_valid_from"), Column("incoming_valid_from"),
                Column("detected_at"), Column("stored_version_id", inText: false),
                Column("stored_content", inText: false),
                Column("incoming_content", inText: false), Column("run_id", inText: false),
            ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                [.integer(row.id)] + accountCells(row.account) + [
                    .text(row.kind.rawValue), .text(row.resolution.rawValue), .instant(row.storedValidFrom),
                    .instant(row.incomingValidFrom),
                    .instant(row.detectedAt), .integer(row.storedVersionID), .text(row.storedContent),
                    .text(row.incomingContent), .integer(row.runID),
                ]
            })
    }

    /// Runs with counts.
    public static func runs(_ rows: [RunRow]) -> ReportTable {
        let columns = [
            Column("run"), Column("status"), Column("mode"), Column("started_at"), Column("ended_at"),
            Column("sources", inText: false), Column("targets"), Column("versions_added"), Column("unchanged"),
            Column("gone"), Column("conflicts"), Column("errors"), Column("quarantined"), Column("log_entries"),
            Column("message", inText: false),
        ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                [
                    .integer(row.id), .text(row.status.rawValue), .text(row.mode.rawValue), .instant(row.startedAt),
                    .instant(row.endedAt),
                    .integer(row.sources), .integer(row.targets), .integer(row.versionsAdded), .integer(row.unchanged),
                    .integer(row.gone), .integer(row.conflicts), .integer(row.errors), .integer(row.quarantined),
                    .integer(row.logEntries), .text(row.message),
                ]
            })
    }

    /// Fetch errors and quarantined payloads.
    public static func errors(_ rows: [ErrorRow]) -> ReportTable {
        let columns = [
            Column("type"), Column("id", inText: false), Column("run"), Column("source"), Column("account"),
            Column("target", inText: false), Column("kind"), Column("http_status"), Column("occurred_at"),
            Column("message"),
        ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                [
                    .text(row.type), .integer(row.id), .integer(row.runID), .text(row.source), .text(row.accountKey),
                    .text(row.target), .text(row.kind), .integer(row.httpStatus), .instant(row.occurredAt),
                    .text(row.message),
                ]
            })
    }

    /// Balance-log movements.
    public static func movements(_ rows: [MovementRow]) -> ReportTable {
        let columns =
            accountColumns + [
                Column("at"), Column("change_type"), Column("unit", inText: false), Column("amount"),
                Column("balance_before"), Column("balance_after"), Column("remote_id", inText: false), Column("remark"),
            ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                accountCells(row.account) + [
                    .instant(row.at), .text(row.changeType), .text(row.unit.name), .amount(row.amount, row.unit),
                    .amount(row.balanceBefore, row.unit), .amount(row.balanceAfter, row.unit), .integer(row.remoteID),
                    .text(row.remark),
                ]
            })
    }

    /// Totals per source and unit.
    public static func totals(_ rows: [TotalRow]) -> ReportTable {
        let columns = [
            Column("source"), Column("kind"), Column("unit", inText: false), Column("accounts"),
            Column("available_balance"), Column("credit_limit"), Column("used"),
        ]
        return ReportTable(
            columns: columns,
            rows: rows.map { row in
                [
                    .text(row.source), .text(row.kind.rawValue), .text(row.unit.name), .integer(row.accounts),
                    .amount(row.availableBalance, row.unit), .amount(row.creditLimit, row.unit),
                    .amount(row.used, row.unit),
                ]
            })
    }

    /// The result of `query sql`.
    public static func sql(_ result: SQLResult) -> ReportTable {
        ReportTable(
            columns: result.columns.map { Column($0) },
            rows: result.rows.map { row in
                row.map { cell in
                    switch cell {
                    case .null: .null
                    case .integer(let value): .integer(value)
                    case .real(let value): .number(value)
                    case .text(let value): .text(value)
                    case .blob(let count): .text("<blob \(count) bytes>")
                    }
                }
            })
    }
}
