import Foundation
import GRDB
import LedgerCore

/// Counts of what a run did for one source; added to the run's row in the same transaction as each target.
public struct RunCounts: Sendable, Equatable {
    /// Accounts targeted.
    public var targets = 0
    /// Accounts fetched (decoded or quarantined).
    public var fetched = 0
    /// New versions recorded.
    public var versionsAdded = 0
    /// Accounts fetched and found unchanged.
    public var unchanged = 0
    /// Accounts marked gone.
    public var gone = 0
    /// Conflicts met.
    public var conflicts = 0
    /// Failed fetches.
    public var errors = 0
    /// Payloads that did not decode.
    public var quarantined = 0
    /// Movements added.
    public var logEntries = 0

    public init() {}

    public static func + (lhs: RunCounts, rhs: RunCounts) -> RunCounts {
        var sum = lhs
        sum.targets += rhs.targets
        sum.fetched += rhs.fetched
        sum.versionsAdded += rhs.versionsAdded
        sum.unchanged += rhs.unchanged
        sum.gone += rhs.gone
        sum.conflicts += rhs.conflicts
        sum.errors += rhs.errors
        sum.quarantined += rhs.quarantined
        sum.logEntries += rhs.logEntries
        return sum
    }
}

extension LedgerTransaction {
    /// Starts a run. Runs left `running` by a process that died are marked `interrupted` first: the caller holds
    /// the writer lock, so no other run can be alive.
    public func beginRun(mode: RunMode, host: String?, pid: Int32?) throws -> Int64 {
        try db.cachedStatement(
            sql: "UPDATE sync_run SET status = 'interrupted', ended_at = max(started_at, ?) WHERE status = 'running'"
        ).execute(arguments: [now.millisecondsSinceEpoch])
        try db.execute(
            sql: "UPDATE sync_run_source SET status = 'failed' WHERE status = 'running'")
        try db.cachedStatement(
            sql: "INSERT INTO sync_run (started_at, status, mode, host, pid) VALUES (?, 'running', ?, ?, ?)"
        ).execute(arguments: [now.millisecondsSinceEpoch, mode, host, pid])
        return db.lastInsertedRowID
    }

    /// Adds a source to a run.
    public func beginRunSource(runID: Int64, sourceID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO sync_run_source (run_id, source_id, status) VALUES (?, ?, 'running')")
            .execute(arguments: [runID, sourceID])
    }

    /// Adds counts to a run's source row.
    ///
    /// In a unit of a ``GroupCommitter`` group the counts are written when the group commits, with those of the
    /// group's other units (and dropped with the unit if it rolls back).
    public func addCounts(runID: Int64, sourceID: Int64, _ counts: RunCounts) throws {
        if let pendingCounts {
            pendingCounts.add(counts, runID: runID, sourceID: sourceID)
            return
        }
        try writeCounts(runID: runID, sourceID: sourceID, counts)
    }

    func writeCounts(runID: Int64, sourceID: Int64, _ counts: RunCounts) throws {
        try db.cachedStatement(
            sql: """
                UPDATE sync_run_source SET targets = targets + ?, fetched = fetched + ?,
                    versions_added = versions_added + ?, unchanged = unchanged + ?, gone = gone + ?,
                    conflicts = conflicts + ?, errors = errors + ?, quarantined = quarantined + ?,
                    log_entries = log_entries + ?
                WHERE run_id = ? AND source_id = ?
                """
        ).execute(arguments: [
            counts.targets, counts.fetched, counts.versionsAdded, counts.unchanged, counts.gone,
            counts.conflicts, counts.errors, counts.quarantined, counts.logEntries, runID, sourceID,
        ])
    }

    /// Ends a source within a run.
    public func finishRunSource(runID: Int64, sourceID: Int64, status: RunStatus, discovery: DiscoveryOutcome) throws {
        try db.cachedStatement(
            sql: "UPDATE sync_run_source SET status = ?, discovery = ? WHERE run_id = ? AND source_id = ?"
        ).execute(arguments: [status, discovery, runID, sourceID])
    }

    /// Ends a run.
    public func finishRun(runID: Int64, status: RunStatus, message: String?) throws {
        try db.cachedStatement(sql: "UPDATE sync_run SET status = ?, ended_at = ?, message = ? WHERE id = ?").execute(
            arguments: [status.rawValue, now.millisecondsSinceEpoch, message, runID])
    }

    /// Marks gone every present account of a source that this run did not target (its `last_run_id` is another
    /// run, or none): after a complete discovery, those are the accounts the source no longer lists.
    ///
    /// The run's targets are known by the mark each of their writes leaves on the account, so no list of them is
    /// held anywhere.
    /// - Parameters:
    ///   - sourceID: The source.
    ///   - runID: The run whose discovery was complete.
    /// - Returns: How many accounts were marked gone.
    public func markUntargetedGone(sourceID: Int64, runID: Int64) throws -> Int {
        let untargeted = try Int64.fetchAll(
            db,
            sql: """
                SELECT a.id FROM account a JOIN balance_version v ON v.account_id = a.id
                WHERE a.source_id = ? AND v.valid_to IS NULL AND v.superseded_at IS NULL AND v.state = 'present'
                  AND a.last_run_id IS NOT ?
                """, arguments: [sourceID, runID])
        var marked = 0
        for accountID in untargeted where try markGone(accountID: accountID, runID: runID) { marked += 1 }
        return marked
    }

    /// Inserts ModelRouter balance-log entries that are not stored yet and moves the client's cursor, in this
    /// transaction, so entries and cursor always agree.
    /// - Returns: How many entries were new.
    public func insertBalanceLogs(
        sourceID: Int64, account key: AccountKey, unit: MoneyUnit, entries: [BalanceLogEntry],
        raws: [RawResponseRecord], runID: Int64?, storedRawID: Int64? = nil
    ) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        // The account is usually there already (its balance was recorded first in the same unit): a lookup, not an
        // upsert.
        let accountID = try existingAccountID(sourceID: sourceID, key: key) ?? accountID(sourceID: sourceID, key: key)
        var rawID: Int64? = storedRawID
        var inserted = 0
        for entry in entries {
            if rawID == nil, let first = raws.first {
                // Keep the pages as evidence once, only when they bring something new.
                let exists =
                    try Bool.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT EXISTS (SELECT 1 FROM modelrouter_balance_log WHERE account_id = ? AND remote_id = ?)"
                        ), arguments: [accountID, entry.remoteID]) ?? false
                if !exists {
                    rawID = try insertRaw(first, sourceID: sourceID, runID: runID)
                    for page in raws.dropFirst() { _ = try insertRaw(page, sourceID: sourceID, runID: runID) }
                }
            }
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO modelrouter_balance_log (account_id, remote_id, change_type, unit,
                        change_amount_whole, change_amount_nanos, balance_before_whole, balance_before_nanos,
                        balance_after_whole, balance_after_nanos, remark, gmt_create, recorded_at, run_id,
                        raw_response_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: StatementArguments(
                    [accountID, entry.remoteID, entry.changeType, unit.name] + StoredAmount.parts(entry.changeAmount)
                        + StoredAmount.parts(entry.balanceBefore) + StoredAmount.parts(entry.balanceAfter)
                        + [
                            entry.remark, entry.gmtCreate.millisecondsSinceEpoch, now.millisecondsSinceEpoch, runID,
                            rawID,
                        ]))
            if db.changesCount > 0 {
                inserted += 1
                try widenScale(of: unit, toHold: [entry.changeAmount, entry.balanceBefore, entry.balanceAfter])
            }
        }
        let last = entries.max { ($0.gmtCreate, $0.remoteID) < ($1.gmtCreate, $1.remoteID) }!
        try db.cachedStatement(
            sql: """
                INSERT INTO modelrouter_log_cursor (account_id, last_gmt_create, last_remote_id, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET last_gmt_create = excluded.last_gmt_create,
                    last_remote_id = excluded.last_remote_id, updated_at = excluded.updated_at
                WHERE (excluded.last_gmt_create, excluded.last_remote_id)
                    > (modelrouter_log_cursor.last_gmt_create, modelrouter_log_cursor.last_remote_id)
                """
        ).execute(arguments: [
            accountID, last.gmtCreate.millisecondsSinceEpoch, last.remoteID, now.millisecondsSinceEpoch,
        ])
        return inserted
    }
}

extension LedgerDatabase {
    /// Runs `body` in one write transaction without blocking a thread of the cooperative pool.
    /// - Throws: ``StoreError``; the transaction is rolled back.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (LedgerTransaction) throws -> T
    )
        async
        throws(StoreError) -> T
    {
        let now = clock.now()
        do {
            return try await writer.write { db in try body(LedgerTransaction(db: db, now: now)) }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }
}

extension LedgerTransaction {
    /// Links each account to its parent where its source has parents: a TWCC child wallet to its project's mother
    /// wallet (the one whose current version says 是; the first registered if several do). Other sources have no
    /// parents; for them it reads one row.
    ///
    /// SQLite finds each wallet's mother through the account-key index and updates only the links that changed,
    /// a range of account ids per statement: nothing the size of the source is read into memory, and a statement's
    /// journal (kept in memory) covers one range, not the table.
    /// - Parameters:
    ///   - sourceID: The source.
    ///   - idsPerStatement: The width of each statement's range of account ids.
    public func linkParentAccounts(sourceID: Int64, idsPerStatement: Int64 = 2_000) throws {
        guard
            try String.fetchOne(db, sql: "SELECT kind FROM source_instance WHERE id = ?", arguments: [sourceID])
                == SourceKind.twccWallet.rawValue
        else { return }
        guard
            let range = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(id), max(id) FROM account WHERE source_id = ? AND kind = 'twcc_wallet'
                    """, arguments: [sourceID]), let low = range[0] as Int64?, let high = range[1] as Int64?
        else { return }
        let update = try db.cachedStatement(
            sql: """
                WITH link AS MATERIALIZED (
                    SELECT c.id AS child, (
                        SELECT min(m.id) FROM account m
                        JOIN balance_version v ON v.account_id = m.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                        JOIN twcc_wallet_detail d ON d.version_id = v.id
                        WHERE m.source_id = c.source_id AND d.is_mother = 1
                          AND m.account_key >= c.twcc_prj_sys_code || '/' AND m.account_key < c.twcc_prj_sys_code || '0'
                          AND m.twcc_prj_sys_code = c.twcc_prj_sys_code
                    ) AS mother
                    FROM account c
                    -- `+` keeps the source index out: the id range is the narrow one.
                    WHERE +c.source_id = ?1 AND c.kind = 'twcc_wallet' AND c.id BETWEEN ?2 AND ?3
                )
                UPDATE account SET parent_account_id = link.mother
                FROM link
                WHERE account.id = link.child AND link.mother IS NOT NULL AND link.mother <> link.child
                  AND account.parent_account_id IS NOT link.mother
                  AND NOT EXISTS (
                    SELECT 1 FROM balance_version v JOIN twcc_wallet_detail d ON d.version_id = v.id
                    WHERE v.account_id = account.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                      AND d.is_mother = 1)
                """)
        let step = max(1, idsPerStatement)
        for start in stride(from: low, through: high, by: Int(step)) {
            try update.execute(arguments: [sourceID, start, start + step - 1])
        }
    }
}

extension LedgerTransaction {
    /// Marks accounts as seen now (for fetches that changed nothing and so wrote nothing), and as targets of
    /// `runID` when given.
    public func touch(sourceID: Int64, accounts: [AccountKey], runID: Int64? = nil) throws {
        for chunk in stride(from: 0, to: accounts.count, by: 500).map({
            Array(accounts[$0..<min($0 + 500, accounts.count)])
        }) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            try db.cachedStatement(
                sql: """
                    UPDATE account SET last_seen_at = max(last_seen_at, ?), last_run_id = coalesce(?, last_run_id)
                    WHERE source_id = ? AND account_key IN (\(placeholders))
                    """
            ).execute(
                arguments: StatementArguments(
                    [now.millisecondsSinceEpoch, runID, sourceID] as [(any DatabaseValueConvertible)?]
                        + chunk.map(\.description)))
        }
    }
}
