import GRDB
import LedgerCore

extension LedgerDatabase {
    /// Writes a large synthetic ledger with set-based SQL, for benchmarks that start from a big store: one
    /// ModelRouter source `mr`, `accounts` accounts (client ids from 100001), each with `versions` daily versions
    /// in CNY from `start` (the last one current), and their details. Far faster than the write path, and not a
    /// substitute for it: no raw responses, runs or conflicts.
    ///
    /// - Precondition: an empty ledger (the rows take fixed ids).
    package func seedSyntheticHistory(accounts: Int, versions: Int, from start: Instant) async throws {
        let start = start.millisecondsSinceEpoch
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO source_instance (id, name, kind, created_at) VALUES (1, 'mr', 'modelrouter', ?)",
                arguments: [start])
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO account (id, source_id, kind, mr_client_id, display_name, first_seen_at, last_seen_at)
                    SELECT i, 1, 'modelrouter', 100000 + i, 'client ' || i, ?, ? FROM n
                    """, arguments: [accounts, start, start + Int64(versions) * 86_400_000])
            // Balance (a.id * 1000 + k * 7) / 100 CNY on day k: whole part and billionths.
            try db.execute(
                sql: """
                    WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < ? - 1)
                    INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, state, unit,
                        available_balance_whole, available_balance_nanos, content_hash, source_modified_at, observed_at)
                    SELECT a.id, ? + d.k * 86400000 + a.id,
                        CASE WHEN d.k = ? - 1 THEN NULL ELSE ? + (d.k + 1) * 86400000 + a.id END,
                        ? + d.k * 86400000 + a.id + 60000, 'present', 'CNY', (a.id * 1000 + d.k * 7) / 100,
                        ((a.id * 1000 + d.k * 7) % 100) * 10000000,
                        printf('%064d', a.id * 1000 + d.k), ? + d.k * 86400000 + a.id, ? + d.k * 86400000 + a.id + 60000
                    FROM account AS a, d ORDER BY a.id, d.k
                    """, arguments: [versions, start, versions, start, start, start, start])
            try db.execute(
                sql: """
                    INSERT INTO modelrouter_balance_detail (version_id, remote_id, balance_type, enable_balance, gmt_create,
                        gmt_modified)
                    SELECT id, account_id, 'amount', 1, ?, source_modified_at FROM balance_version
                    """, arguments: [start])
        }
    }
}
