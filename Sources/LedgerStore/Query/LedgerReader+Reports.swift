import GRDB
import LedgerCore

/// An account with when the ledger first and last saw it at its source.
public struct AccountSummary: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// When the ledger first recorded it.
    public var firstSeenAt: Instant
    /// When a fetch last reached it (recorded time).
    public var lastSeenAt: Instant

    package init(account: AccountRef, firstSeenAt: Instant, lastSeenAt: Instant) {
        self.account = account
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
    }
}

extension LedgerReader {
    /// The selected accounts, in (source, key) order, with first and last seen times (for staleness).
    /// - Throws: ``QueryError`` for an unknown source or account or conflicting filters.
    public func accounts(filter: QueryFilter = QueryFilter()) throws(QueryError) -> [AccountSummary] {
        try read { db in
            let conditions = try accountConditions(db, filter)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), a.first_seen_at, a.last_seen_at
                    FROM \(Self.sourceAccountJoin(filter))
                    \(conditions.whereSQL) ORDER BY s.name, a.account_key
                    """, arguments: conditions.arguments
            ).map { row in
                AccountSummary(
                    account: try Self.accountRef(row),
                    firstSeenAt: Instant(millisecondsSinceEpoch: row["first_seen_at"]),
                    lastSeenAt: Instant(millisecondsSinceEpoch: row["last_seen_at"]))
            }
        }
    }

    /// The row ids of the selected accounts, in the order of ``accounts(filter:)``: a report over many accounts holds
    /// these and reads the accounts' rows a chunk at a time.
    /// - Throws: ``QueryError`` for an unknown source or account or conflicting filters.
    public func accountIDs(filter: QueryFilter = QueryFilter()) throws(QueryError) -> [Int64] {
        try read { db in
            let conditions = try accountConditions(db, filter)
            return try db.fetchAll(
                sql: """
                    SELECT a.id FROM \(Self.sourceAccountJoin(filter))
                    \(conditions.whereSQL) ORDER BY s.name, a.account_key
                    """, arguments: conditions.arguments
            ) { $0.int64(0) }
        }
    }

    /// For each selected ModelRouter account, its last balance-log entry before `instant` (where one exists).
    /// - Returns: Entries keyed by account id.
    /// - Throws: ``QueryError`` for an unknown source or account or conflicting filters.
    public func lastMovements(
        before instant: Instant, filter: QueryFilter = QueryFilter()
    ) throws(QueryError)
        -> [Int64: MovementRow]
    {
        try read { db in
            var conditions = try accountConditions(db, filter)
            // `+`: a filter, never an index to build (SQLite would make an automatic index on kind per query).
            conditions.add("+a.kind = 'modelrouter'")
            var arguments: StatementArguments = [instant.millisecondsSinceEpoch]
            arguments += conditions.arguments
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), l.*
                    FROM \(Self.sourceAccountJoin(filter))
                    JOIN modelrouter_balance_log AS l ON l.id = (
                        SELECT id FROM modelrouter_balance_log WHERE account_id = a.id AND gmt_create < ?
                        ORDER BY gmt_create DESC, remote_id DESC LIMIT 1)
                    \(conditions.whereSQL)
                    """, arguments: arguments)
            var result: [Int64: MovementRow] = [:]
            for row in rows {
                let movement = try Self.movementRow(row)
                result[movement.account.accountID] = movement
            }
            return result
        }
    }

    static func movementRow(_ row: Row) throws -> MovementRow {
        MovementRow(
            id: row["id"], account: try accountRef(row), remoteID: row["remote_id"], changeType: row["change_type"],
            unit: try MoneyUnit(row["unit"] as String),
            amount: try FixedDecimal(whole: row["change_amount_whole"], nanos: row["change_amount_nanos"]),
            balanceBefore: StoredDetails.amount(row, "balance_before"),
            balanceAfter: StoredDetails.amount(row, "balance_after"),
            remark: row["remark"], at: Instant(millisecondsSinceEpoch: row["gmt_create"]))
    }

    /// The source details of versions (DMS credit fields, TWCC quotas, ModelRouter balance type).
    /// - Parameter versionIDs: The versions.
    /// - Returns: Details keyed by version id; gone versions have none.
    /// - Throws: ``QueryError`` when the store fails.
    public func details(versionIDs: [Int64]) throws(QueryError) -> [Int64: SourceDetails] {
        try read { db in
            var result: [Int64: SourceDetails] = [:]
            // SQLite limits bound parameters; ask in chunks.
            var start = 0
            while start < versionIDs.count {
                let chunk = Array(versionIDs[start..<min(start + 500, versionIDs.count)])
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let arguments = StatementArguments(chunk)
                for d in try Row.fetchAll(
                    db, sql: "SELECT * FROM dms_credit_detail WHERE version_id IN (\(marks))", arguments: arguments)
                {
                    result[d["version_id"]] = .dmsCredit(StoredDetails.dmsCredit(d))
                }
                for d in try Row.fetchAll(
                    db, sql: "SELECT * FROM twcc_wallet_detail WHERE version_id IN (\(marks))", arguments: arguments)
                {
                    result[d["version_id"]] = .twccWallet(StoredDetails.twccWallet(d))
                }
                for d in try Row.fetchAll(
                    db, sql: "SELECT * FROM modelrouter_balance_detail WHERE version_id IN (\(marks))",
                    arguments: arguments)
                {
                    result[d["version_id"]] = .modelRouter(StoredDetails.modelRouter(d))
                }
            }
            return result
        }
    }

    /// The schema version of the ledger: the last applied migration.
    public func schemaVersion() throws(QueryError) -> String {
        try read { db in try String.fetchOne(db, sql: "SELECT max(id) FROM schema_migration") ?? "none" }
    }

    /// The head of the ledger's hash chain: the last fact linked (``ChainHead/genesis`` for a ledger with none).
    public func chainHead() throws(QueryError) -> ChainHead {
        try read { db in try LedgerTransaction.chainHead(db) }
    }
}
