import Foundation
import GRDB
import LedgerCore

/// The store's write operations inside one transaction: a target's version, details, raw response, conflicts and
/// counters all commit together or not at all. Obtain one with ``LedgerDatabase/transaction(_:)``.
public struct LedgerTransaction {
    let db: Database
    /// The recorded time of everything written in this transaction.
    public let now: Instant
    /// In a group commit, the run counts its units add, written once per group instead of once per unit.
    var pendingCounts: PendingRunCounts? = nil

    /// Finds or registers a configured source instance.
    /// - Throws: ``StoreError`` when the name is already registered with another kind.
    public func sourceID(name: String, kind: SourceKind) throws -> Int64 {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, kind FROM source_instance WHERE name = ?"), arguments: [name])
        {
            guard row["kind"] as String == kind.rawValue else {
                throw StoreError(
                    .invalidData(
                        "source '\(name)' is recorded as \(row["kind"] as String) but configured as \(kind.rawValue); "
                            + "give the new source another name"))
            }
            return row["id"]
        }
        try db.cachedStatement(sql: "INSERT INTO source_instance (name, kind, created_at) VALUES (?, ?, ?)").execute(
            arguments: [name, kind.rawValue, now.millisecondsSinceEpoch])
        return db.lastInsertedRowID
    }

    /// Finds or creates an account, refreshing its display name, parent and (when `seen`, the source reported it)
    /// its last-seen time; a failed fetch registers the account without marking it seen.
    ///
    /// - Parameter runID: The run that has the account as a target; recorded as its `last_run_id`, which tells
    ///   ``markUntargetedGone(sourceID:runID:)`` that the account was listed.
    public func accountID(
        sourceID: Int64, key: AccountKey, displayName: String? = nil, parent: AccountKey? = nil, seen: Bool = true,
        runID: Int64? = nil
    ) throws -> Int64 {
        try registerAccount(
            sourceID: sourceID, key: key, displayName: displayName, parent: parent, seen: seen, runID: runID
        ).id
    }

    /// ``accountID(sourceID:key:displayName:parent:seen:runID:)``, and whether this call created the account (a
    /// new account has no history, so its first version needs no look at any).
    func registerAccount(
        sourceID: Int64, key: AccountKey, displayName: String?, parent: AccountKey?, seen: Bool, runID: Int64?
    ) throws -> (id: Int64, created: Bool) {
        let parentID = try parent.flatMap { try existingAccountID(sourceID: sourceID, key: $0) }
        // No RETURNING: SQLite collects returned rows in a temporary table first, a cost on every target of a
        // first sync. An upsert's update leaves the last inserted row id alone, so a changed one means a new row.
        let before = db.lastInsertedRowID
        try db.cachedStatement(
            sql: """
                INSERT INTO account (source_id, kind, mr_client_id, dms_org_id, dms_org_type, twcc_prj_sys_code,
                    twcc_wallet_code, display_name, parent_account_id, first_seen_at, last_seen_at, last_run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source_id, account_key) DO UPDATE SET
                    display_name = coalesce(excluded.display_name, account.display_name),
                    parent_account_id = coalesce(excluded.parent_account_id, account.parent_account_id),
                    last_run_id = coalesce(excluded.last_run_id, account.last_run_id),
                    last_seen_at = CASE WHEN ? THEN max(account.last_seen_at, excluded.last_seen_at)
                        ELSE account.last_seen_at END
                """
        ).execute(
            arguments: StatementArguments(
                [sourceID.databaseValue, key.kind.rawValue.databaseValue] + key.storedColumns + [
                    displayName.databaseValue, parentID.databaseValue, now.millisecondsSinceEpoch.databaseValue,
                    now.millisecondsSinceEpoch.databaseValue, runID.databaseValue, seen.databaseValue,
                ]))
        let inserted = db.lastInsertedRowID
        if inserted != before { return (inserted, true) }
        guard let id = try existingAccountID(sourceID: sourceID, key: key) else {
            throw StoreError(.invalidData("account \(key) of source \(sourceID) was neither inserted nor found"))
        }
        return (id, false)
    }

    /// The row id of an account the ledger knows, or `nil`.
    func existingAccountID(sourceID: Int64, key: AccountKey) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM account WHERE source_id = ? AND account_key = ?"),
            arguments: [sourceID, key.description])
    }

    /// Stores a response's exact bytes, links it into the fact chain, and returns its id.
    public func insertRaw(_ raw: RawResponseRecord, sourceID: Int64, runID: Int64?) throws -> Int64 {
        guard let id = try nextIDs(1, in: "raw_response")?.lowerBound else {
            throw StoreError(.invalidData("raw_response has no id to give"))
        }
        var row = RawRows()
        row.append(raw, id: id, sourceID: sourceID, runID: runID)
        try row.execute(db)
        return id
    }

    /// Keeps a payload that did not decode, with its reason and raw bytes; nothing else is derived from it.
    public func recordQuarantine(
        sourceID: Int64, runID: Int64?, account: AccountKey?, target: String, reason: String, raw: RawResponseRecord
    ) throws {
        let rawID = try insertRaw(raw, sourceID: sourceID, runID: runID)
        let accountRow = try account.map { try self.accountID(sourceID: sourceID, key: $0, runID: runID) }
        try db.cachedStatement(
            sql: """
                INSERT INTO quarantine (run_id, source_id, account_id, target, reason, raw_response_id, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [runID, sourceID, accountRow, target, reason, rawID, now.millisecondsSinceEpoch])
    }

    /// Records a failed fetch, and links it into the fact chain.
    public func recordFetchError(sourceID: Int64, runID: Int64?, _ error: FetchErrorRecord) throws {
        let accountID = try error.account.flatMap { try existingAccountID(sourceID: sourceID, key: $0) }
        try db.cachedStatement(
            sql: """
                INSERT INTO fetch_error (run_id, source_id, account_id, target, kind, http_status, remote_code, message,
                    request_id, retryable, attempts, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            runID, sourceID, accountID, error.target, error.kind, error.httpStatus, error.remoteCode, error.message,
            error.requestID, error.retryable, max(1, error.attempts), now.millisecondsSinceEpoch,
        ])
        try appendLinks([Self.fetchErrorLink(id: db.lastInsertedRowID, db)])
    }
}

extension LedgerDatabase {
    /// Runs `body` in one write transaction: everything it writes commits together, or nothing does.
    ///
    /// - Parameter body: The writes, through a ``LedgerTransaction`` stamped with the clock's current time.
    /// - Returns: What `body` returns.
    /// - Throws: ``StoreError``; the transaction is rolled back.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (LedgerTransaction) throws -> T
    ) throws(StoreError)
        -> T
    {
        let now = clock.now()
        do {
            return try writer.write { db in try body(LedgerTransaction(db: db, now: now)) }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }
}
