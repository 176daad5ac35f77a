import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresQueries: ReportStore {
    public func accounts(filter: QueryFilter) async throws(QueryError) -> [AccountSummary] {
        try await read { connection, logger in
            var sql = SQLBuilder(
                """
                SELECT \(Self.accountColumns), a.first_seen_at, a.last_seen_at
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                """)
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            sql.tail = "ORDER BY \(Self.accountOrder)"
            return try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                return AccountSummary(
                    account: try Self.accountRef(row), firstSeenAt: try cells.instant(5),
                    lastSeenAt: try cells.instant(6))
            }
        }
    }

    public func accountIDs(filter: QueryFilter) async throws(QueryError) -> [Int64] {
        try await read { connection, logger in
            var sql = SQLBuilder("SELECT a.id FROM source_instance AS s JOIN account AS a ON a.source_id = s.id")
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            sql.tail = "ORDER BY \(Self.accountOrder)"
            return try await Self.rows(connection, sql, logger: logger).map { try Cells($0).int(0) }
        }
    }

    public func lastMovements(
        before instant: Instant, filter: QueryFilter
    ) async throws(QueryError)
        -> [Int64: MovementRow]
    {
        try await read { connection, logger in
            var sql = SQLBuilder("")
            let before = sql.bind(instant.millisecondsSinceEpoch)
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            sql.condition("a.kind = 'modelrouter'")
            sql.head = """
                SELECT \(Self.accountColumns), \(Self.movementColumns)
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                JOIN modelrouter_balance_log AS l ON l.id = (
                    SELECT id FROM modelrouter_balance_log WHERE account_id = a.id AND gmt_create < \(before)
                    ORDER BY gmt_create DESC, remote_id DESC LIMIT 1)
                """
            var result: [Int64: MovementRow] = [:]
            for row in try await Self.rows(connection, sql, logger: logger) {
                let movement = try Self.movementRow(row)
                result[movement.account.accountID] = movement
            }
            return result
        }
    }

    public func details(versionIDs: [Int64]) async throws(QueryError) -> [Int64: SourceDetails] {
        guard !versionIDs.isEmpty else { return [:] }
        return try await read { connection, logger in
            var result: [Int64: SourceDetails] = [:]
            for table in DetailTable.allCases {
                var sql = SQLBuilder(
                    "SELECT version_id, \((table.columns).joined(separator: ", ")) FROM \(table.rawValue)")
                sql.condition("version_id = ANY(\(sql.bind(versionIDs)))")
                for row in try await Self.rows(connection, sql, logger: logger) {
                    let cells = Cells(row)
                    result[try cells.int(0)] = try Self.details(table, cells)
                }
            }
            return result
        }
    }

    public func schemaVersion() async throws(QueryError) -> String {
        try await read { connection, logger in
            for try await id in try await connection.query(
                "SELECT max(id) FROM schema_migration", logger: logger
            ).decode(String?.self) {
                return id ?? "none"
            }
            return "none"
        }
    }

    public func chainHead() async throws(QueryError) -> ChainHead {
        try await read { connection, logger in try await PostgresLedger.chainHead(connection, logger: logger) }
    }

    /// A detail row (`version_id` first, then ``DetailTable/columns``) as the domain's details.
    static func details(_ table: DetailTable, _ cells: Cells) throws -> SourceDetails {
        switch table {
        case .modelRouter:
            return .modelRouter(
                ModelRouterBalanceDetails(
                    remoteID: try cells.optionalInt(1), balanceType: try cells.text(2),
                    enableBalance: try cells.row[3].decode(Bool?.self), gmtCreate: try cells.optionalInstant(4),
                    gmtModified: try cells.optionalInstant(5)))
        case .dmsCredit:
            return .dmsCredit(
                DMSCreditDetails(
                    availableAmount: try cells.amount(1), totalUsedLimit: try cells.amount(3),
                    isUnlimitedCredit: try cells.bool(5), isExpired: try cells.bool(6),
                    settingCredit: try cells.optionalText(7), creditMode: try cells.optionalText(8),
                    accountDays: try cells.optionalInt(9).map(Int.init), accountDaysText: try cells.optionalText(10),
                    creditEndTime: try cells.optionalText(11), orgType: try cells.optionalInt(12),
                    isCheckedName: try cells.optionalText(13)))
        case .twccWallet:
            return .twccWallet(
                TWCCWalletDetails(
                    projectName: try cells.optionalText(1), walletName: try cells.optionalText(2),
                    walletID: try cells.optionalText(3), walletType: try cells.optionalText(4),
                    isMother: try cells.row[5].decode(Bool?.self), ownerAccount: try cells.optionalText(6),
                    ownerName: try cells.optionalText(7), originalQuota: try cells.amount(8),
                    projectCreditQuota: try cells.amount(10), projectPocQuota: try cells.amount(12),
                    projectSUQuota: try cells.amount(14), projectObtainedSU: try cells.amount(16)))
        }
    }
}
