import Crypto
import LedgerCore
import LedgerStore
import PostgresNIO

extension PostgresTransaction {
    /// Records a failed fetch and links it into the chain (its fact read back from the row as written).
    func recordFetchError(sourceID: Int64, runID: Int64?, _ error: FetchErrorRecord) async throws {
        let accountID = try await error.account.asyncFlatMap {
            try await existingAccountID(sourceID: sourceID, key: $0)
        }
        let rows = try await connection.query(
            """
            INSERT INTO fetch_error (run_id, source_id, account_id, target, kind, http_status, remote_code, message,
                request_id, retryable, attempts, occurred_at)
            VALUES (\(runID), \(sourceID), \(accountID), \(error.target), \(error.kind),
                \(error.httpStatus.map { Int32(truncatingIfNeeded: $0) }), \(error.remoteCode), \(error.message),
                \(error.requestID), \(error.retryable), \(Int32(clamping: max(1, error.attempts))),
                \(now.millisecondsSinceEpoch))
            RETURNING \(unescaped: PostgresLedger.fetchErrorColumns)
            """, logger: logger)
        var links: [PendingLink] = []
        for try await row in rows { links.append(try PostgresLedger.fetchErrorLink(row)) }
        try await appendLinks(links)
    }

    /// Keeps a payload that did not decode, with its reason and raw bytes.
    func recordQuarantine(
        sourceID: Int64, runID: Int64?, account: AccountKey?, target: String, reason: String, raw: RawResponseRecord
    ) async throws {
        let rawID = try await insertRaw(raw, sourceID: sourceID, runID: runID)
        let accountID = try await account.asyncFlatMap {
            try await registerAccount(
                sourceID: sourceID, key: $0, displayName: nil, parent: nil, seen: true, runID: runID
            ).id
        }
        try await connection.query(
            """
            INSERT INTO quarantine (run_id, source_id, account_id, target, reason, raw_response_id, occurred_at)
            VALUES (\(runID), \(sourceID), \(accountID), \(target), \(reason), \(rawID), \(now.millisecondsSinceEpoch))
            """, logger: logger)
    }

    /// Inserts the ModelRouter balance-log entries not stored yet and moves the client's cursor, as the SQLite store
    /// does: the pages are kept as evidence once, when the first new entry comes.
    /// - Returns: How many entries were new.
    func insertBalanceLogs(
        sourceID: Int64, account key: AccountKey, unit: MoneyUnit, entries: [BalanceLogEntry],
        raws: [RawResponseRecord], runID: Int64?
    ) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        // The account is usually there already (its balance was recorded first in the same unit).
        let existing = try await existingAccountID(sourceID: sourceID, key: key)
        let accountID: Int64
        if let existing {
            accountID = existing
        } else {
            accountID = try await registerAccount(
                sourceID: sourceID, key: key, displayName: nil, parent: nil, seen: true, runID: nil
            ).id
        }
        var rawID: Int64? = nil
        var inserted = 0
        for entry in entries {
            // Looked up first (SQLite's INSERT OR IGNORE): an ignored insert would take an id all the same.
            let known = try await optional(
                Int64.self,
                """
                SELECT id FROM modelrouter_balance_log WHERE account_id = \(accountID) AND remote_id = \(entry.remoteID)
                """)
            guard known == nil else { continue }
            if rawID == nil, let first = raws.first {
                rawID = try await insertRaw(first, sourceID: sourceID, runID: runID)
                for page in raws.dropFirst() { _ = try await insertRaw(page, sourceID: sourceID, runID: runID) }
            }
            let (change, before, after) = (
                Parts(entry.changeAmount), Parts(entry.balanceBefore), Parts(entry.balanceAfter)
            )
            try await connection.query(
                """
                INSERT INTO modelrouter_balance_log (account_id, remote_id, change_type, unit, change_amount_whole,
                    change_amount_nanos, balance_before_whole, balance_before_nanos, balance_after_whole,
                    balance_after_nanos, remark, gmt_create, recorded_at, run_id, raw_response_id)
                VALUES (\(accountID), \(entry.remoteID), \(entry.changeType), \(unit.name), \(change.whole),
                    \(change.nanos), \(before.whole), \(before.nanos), \(after.whole), \(after.nanos), \(entry.remark),
                    \(entry.gmtCreate.millisecondsSinceEpoch), \(now.millisecondsSinceEpoch), \(runID), \(rawID))
                """, logger: logger)
            inserted += 1
            try await widenScale(of: unit, toHold: [entry.changeAmount, entry.balanceBefore, entry.balanceAfter])
        }
        guard let last = entries.max(by: { ($0.gmtCreate, $0.remoteID) < ($1.gmtCreate, $1.remoteID) }) else {
            return inserted
        }
        try await connection.query(
            """
            INSERT INTO modelrouter_log_cursor (account_id, last_gmt_create, last_remote_id, updated_at)
            VALUES (\(accountID), \(last.gmtCreate.millisecondsSinceEpoch), \(last.remoteID),
                \(now.millisecondsSinceEpoch))
            ON CONFLICT (account_id) DO UPDATE SET last_gmt_create = excluded.last_gmt_create,
                last_remote_id = excluded.last_remote_id, updated_at = excluded.updated_at
            WHERE (excluded.last_gmt_create, excluded.last_remote_id)
                > (modelrouter_log_cursor.last_gmt_create, modelrouter_log_cursor.last_remote_id)
            """, logger: logger)
        return inserted
    }
}
