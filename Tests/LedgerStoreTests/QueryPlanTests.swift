import GRDB
import LedgerCore
import LedgerStore
import Testing

/// The sync's per-account queries must use indexes: a table scan per account is quadratic at 100k accounts.
@Suite("Query plans of the write path")
struct QueryPlanTests {
    @Test(
        "Per-account lookups search an index, never scan",
        arguments: [
            "SELECT id FROM account WHERE source_id = 1 AND account_key = '17'",
            """
            SELECT c.last_gmt_create FROM modelrouter_log_cursor c JOIN account a ON a.id = c.account_id
            WHERE a.source_id = 1 AND a.account_key = '17'
            """,
            """
            SELECT 1 FROM balance_version v JOIN account a ON a.id = v.account_id
            WHERE a.source_id = 1 AND a.account_key = '17' AND v.valid_to IS NULL AND v.superseded_at IS NULL
            """,
            """
            SELECT id FROM balance_version WHERE account_id = 1 AND superseded_at IS NULL
              AND valid_from < 5 AND (valid_to IS NULL OR valid_to > 5)
            """,
            "SELECT EXISTS (SELECT 1 FROM modelrouter_balance_log WHERE account_id = 1 AND remote_id = 2)",
        ])
    func usesIndexes(sql: String) throws {
        let database = try LedgerDatabase.inMemory()
        let plan = try database.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
        }
        #expect(!plan.isEmpty)
        for step in plan {
            #expect(!step.hasPrefix("SCAN") || step == "SCAN CONSTANT ROW", "\(step) in plan of: \(sql)")
        }
    }
}
