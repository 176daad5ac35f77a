import Foundation
import GRDB
import LedgerCore
import LedgerReports
import LedgerSimulator
import LedgerStore
@testable import LedgerSync
import LedgerTestSupport
import Testing

/// The statements SQLite runs for the store, collected by tracing every connection while a real sync, the queries
/// and an export run; each one's plan is then asked of SQLite.
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    /// What the store was doing when a statement ran.
    enum Phase: Sendable { case opening, sync, queries }

    private var statements: [Phase: Set<String>] = [:]
    private var phase = Phase.opening

    func start(_ phase: Phase) { lock.withLock { self.phase = phase } }

    func record(_ sql: String) { lock.withLock { _ = statements[phase, default: []].insert(sql) } }

    /// The data statements of a phase (no pragmas, transactions, savepoints or DDL).
    func dataStatements(_ phase: Phase) -> [String] {
        lock.withLock {
            (statements[phase] ?? []).filter { sql in
                let head = sql.drop { $0.isWhitespace }.prefix(7).uppercased()
                // GRDB checks each connection it opens with `SELECT * FROM sqlite_master LIMIT 1`; a pool opens
                // readers when it needs them, so that check can fall in any phase. It is not the store's statement.
                return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains { head.hasPrefix($0) }
                    && !sql.contains("sqlite_schema") && !sql.contains("sqlite_master") && !sql.contains("pragma_")
                    && !sql.contains("grdb_migrations")
            }.sorted()
        }
    }
}

@Suite("Query plans of the statements the store runs")
struct QueryPlanTests {
    @Test("Every statement of a sync, the queries and an export: no full scan of a per-account table per account")
    func plans() async throws {
        try await withSyncHarness { harness in
            let log = StatementLog()
            let database = try LedgerDatabase.open(
                path: harness.databasePath, logger: SyncHarness.quiet, statementObserver: { log.record($0) })
            log.start(.sync)
            // Two syncs with a late arrival, a same-timestamp conflict and a client gone, so that every branch of
            // the write path runs.
            _ = try await harness.sync(database: database)
            harness.simulator.world.advance(seconds: 3_600)
            harness.simulator.faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 1))
            harness.simulator.faults.add(
                FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1002", times: 1))
            harness.simulator.world.setClientDeleted(1004, true)
            _ = try await harness.sync(database: database)
            // Every query, with filters, and an export.
            log.start(.queries)
            let reader = LedgerReader(database)
            var options = QueryOptions()
            options.filter.accounts = ["1001"]
            for kind in QueryKind.allCases {
                // Runs are per source: an account filter does not apply to them.
                if kind != .runs { _ = try await QueryRunner.run(kind, reader: reader, options: options) }
                _ = try await QueryRunner.run(kind, reader: reader, options: QueryOptions())
            }
            // Second pages: the keyset must seek into the account index, not read a source from its first account.
            for kind in [QueryKind.balances, .history] {
                var paged = QueryOptions()
                paged.page = PageRequest(limit: 1)
                paged.page.after = try await QueryRunner.run(kind, reader: reader, options: paged).nextCursor
                #expect(paged.page.after != nil)
                _ = try await QueryRunner.run(kind, reader: reader, options: paged)
            }
            _ = try await Reconciler.report(
                reader: reader,
                parameters: ReportParameters(
                    from: harness.simulator.world.now.adding(seconds: -86_400),
                    to: harness.simulator.world.now.adding(seconds: 60)))

            func plans(_ statements: [String]) async throws -> [(sql: String, plan: [String])] {
                try await database.writer.read { db in
                    try statements.map { sql in
                        // Unbound arguments are NULL to SQLite: the plan does not depend on their values.
                        let explain = try db.makeStatement(sql: "EXPLAIN QUERY PLAN " + sql)
                        explain.setUncheckedArguments(StatementArguments())
                        return (sql, try Row.fetchAll(explain).map { $0["detail"] as String })
                    }
                }
            }
            let sync = try await plans(log.dataStatements(.sync))
            let queries = try await plans(log.dataStatements(.queries))
            #expect(sync.count > 25, "\(sync.count) statements traced in the sync")
            #expect(queries.count > 15, "\(queries.count) statements traced in the queries")
            func scanned(_ step: String) -> String? {
                guard step.hasPrefix("SCAN ") else { return nil }
                return step.dropFirst(5).split(separator: " ").first.map(String.init)
            }
            // The sync runs its statements once per account: each must find its rows through an index. Allowed
            // scans, each once per run or source: the handful of source instances, the run tables when a run
            // starts (closing runs a killed sync left running), and the TWCC mother-wallet link set.
            let allowedInSync: Set<String> = [
                "CONSTANT", "s", "source_instance", "sync_run", "sync_run_source", "link",
            ]
            for (sql, plan) in sync {
                for step in plan {
                    if let table = scanned(step) {
                        #expect(allowedInSync.contains(table), "\(step) in the sync's \(sql)")
                    }
                }
            }
            let keysets = queries.filter { $0.sql.contains("a.account_key >= CASE") }
            #expect(keysets.count == 2)
            for (sql, plan) in keysets {
                #expect(plan.contains { $0.contains("(source_id=? AND account_key>?)") }, "\(plan) for \(sql)")
            }
            // A report reads a chunk of accounts at a time, named by id and bounded by their key range: each query
            // reads that range of the (source_id, account_key) index, in the order it sorts by, never the whole
            // source, and sorts nothing in a temporary B-tree.
            let byID = queries.filter {
                $0.sql.contains("a.account_key BETWEEN ? AND ?") && $0.sql.contains("CROSS JOIN account AS a")
            }
            #expect(byID.count >= 3, "balances at both ends, history and the last movements, by account id")
            for (sql, plan) in byID {
                #expect(
                    plan.contains { $0.contains("(source_id=? AND account_key>? AND account_key<?)") },
                    "\(plan) for \(sql)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan) for \(sql)")
            }
            // Queries list whole tables on purpose, but versions are always reached through an index: as of an
            // instant, per account.
            for (sql, plan) in sync + queries {
                for step in plan {
                    if let table = scanned(step) {
                        #expect(!["v", "p", "balance_version"].contains(table), "\(step) in \(sql)")
                    }
                }
            }
            try database.close()
        }
    }
}
