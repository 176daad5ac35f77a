import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSimulator
import LedgerSources
import LedgerStore
import LedgerSync
import LedgerTestSupport
import Testing

/// The sync engine on the PostgreSQL store, against the SQLite store as the reference.
@Suite("Sync into PostgreSQL", .enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresSyncTests {
    /// The harness's config with the ledger in `database`.
    static func configText(_ harness: SyncHarness, database: PostgresTestDatabase, sources: String? = nil) -> String {
        let text = harness.configText().replacingOccurrences(
            of: "path = \"ledger.sqlite\"", with: "url = \"\(database.url)\"")
        guard let sources else { return text }
        // Only the named sources: a syncer of its own per source, as a team near each API would run.
        return text.components(separatedBy: "\n[sources.").enumerated().filter { index, part in
            index == 0 || sources.split(separator: ",").contains { part.hasPrefix("\($0)]") }
        }.map(\.element).joined(separator: "\n[sources.")
    }

    @Test(
        "One simulator world synced into both stores, round by round: the same run reports and the same normalized digest (versions, conflicts of every kind, gone accounts, movements, failures, quarantine), and PostgreSQL's chain verifies"
    )
    func sameLedgerAsSQLite() async throws {
        try await withSyncHarness { harness in
            try await PostgresTestDatabase.with { database in
                // Both stores record at the same instants: a gone marker's valid time is the time of writing.
                let clock = SteppedClock(harness.simulator.clock.now())
                let postgres = try await PostgresLedger.open(
                    location: database.location, clock: clock, logger: SyncHarness.quiet)
                let sqlite = try LedgerDatabase.open(
                    path: harness.databasePath, clock: clock, logger: SyncHarness.quiet)
                defer { try? sqlite.close() }
                let world = harness.simulator.world
                let faults = harness.simulator.faults
                // Each round syncs SQLite from the simulator, capturing every response, then PostgreSQL from the
                // capture: both stores take exactly the same answers (a clock-skewed gmtModified is "now plus a day"
                // by the simulator's ticking clock), at the same recording instants.
                var rounds = 0
                func round() async throws {
                    rounds += 1
                    clock.advance(
                        milliseconds: harness.simulator.clock.now().millisecondsSinceEpoch
                            - clock.now().millisecondsSinceEpoch)
                    let capture = harness.directory + "/capture-\(rounds)"
                    let network = AsyncHTTPClientTransport(client: harness.client)
                    let reference = try await SyncEngine(
                        configuration: try harness.configuration(), store: sqlite,
                        transport: try CapturingTransport(base: network, directory: capture),
                        clock: harness.simulator.clock, sleep: { _ in }, logger: SyncHarness.quiet
                    ).run()
                    let report = try await SyncEngine(
                        configuration: try harness.configuration(), store: postgres,
                        transport: try ReplayTransport(directory: capture), clock: harness.simulator.clock,
                        sleep: { _ in }, logger: SyncHarness.quiet
                    ).run()
                    #expect(report.status == reference.status)
                    #expect(report.sources.map(\.counts) == reference.sources.map(\.counts))
                    #expect(report.sources.map(\.discovery) == reference.sources.map(\.discovery))
                }
                try await round()
                world.advance(seconds: 3_600)
                _ = world.setClientBalance(1003, to: try #require(FixedDecimal("12.340000001")))
                try await round()
                faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 2))
                faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1002", times: 2))
                faults.add(FaultRule(.clockSkew, source: .modelRouter, target: "1003", times: 2))
                faults.add(FaultRule(.serverError, source: .dmsCredit, target: "102:2", times: 4))
                faults.add(FaultRule(.wrongTypes, source: .twccWallet, target: "MST000001/W0001", times: 2))
                world.setClientDeleted(1004, true)
                try await round()
                world.advance(seconds: 3_600)
                world.setClientDeleted(1004, false)
                try await round()

                let digest = try await postgres.normalizedDigest()
                #expect(digest == (try sqlite.normalizedDigest()))
                let verification = try await postgres.verifyQuick()
                #expect(verification.findings.isEmpty)
                // Every kind of conflict the rounds staged was recorded, so the comparison covered them.
                try await database.withClient { client, logger in
                    let rows = try await client.query(
                        "SELECT kind, count(*) FROM conflict GROUP BY kind ORDER BY kind", logger: logger)
                    var kinds: [String] = []
                    for try await (kind, _) in rows.decode((String, Int64).self) { kinds.append(kind) }
                    #expect(kinds == ["clock_skew", "same_timestamp_different_content", "stale"])
                }
                #expect(
                    try await database.strings("SELECT count(*)::text FROM balance_version WHERE state = 'gone'") == [
                        "1"
                    ])
                #expect(try await database.strings("SELECT (count(*) > 0)::text FROM quarantine") == ["true"])
                #expect(
                    try await database.strings("SELECT (count(*) > 0)::text FROM modelrouter_balance_log") == ["true"])
                await postgres.close()
            }
        }
    }

    @Test(
        "`ledgersync sync` with [store] url: syncers of different sources write at once; a second syncer of a held source exits 5 naming the holder and changes nothing"
    )
    func oneWriterPerSource() async throws {
        try await withSyncHarness { harness in
            try await PostgresTestDatabase.with { database in
                let directory = harness.directory
                for (file, sources) in [("mr.toml", "mr"), ("dms.toml", "dms"), ("twcc.toml", "twcc")] {
                    try Self.configText(harness, database: database, sources: sources).write(
                        toFile: directory + "/" + file, atomically: true, encoding: .utf8)
                }
                // Three syncers, one per source, at once.
                async let mr = CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                async let dms = CLI.run(
                    ["sync", "--quiet", "--config", "dms.toml"], in: directory, environment: SyncHarness.environment)
                async let twcc = CLI.run(
                    ["sync", "--quiet", "--config", "twcc.toml"], in: directory, environment: SyncHarness.environment)
                let results = try await [mr, dms, twcc]
                #expect(results.map(\.status) == [0, 0, 0], "\(results.map(\.stderr))")
                #expect(
                    try await database.strings(
                        "SELECT s.name || ':' || r.status FROM sync_run_source r JOIN source_instance s ON s.id = r.source_id ORDER BY s.name"
                    ) == ["dms:complete", "mr:complete", "twcc:complete"])
                #expect(try await database.strings("SELECT count(DISTINCT run_id)::text FROM sync_run_source") == ["3"])

                // The lock of `mr` held elsewhere: a syncer of mr stops at once; one of dms goes on.
                let holder = try await PostgresLedger.open(location: database.location, logger: SyncHarness.quiet)
                let lock = try await holder.lockSource(name: "mr", kind: .modelRouter)
                let runs = try await database.strings("SELECT count(*)::text FROM sync_run")
                let refused = try await CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                #expect(refused.status == 5)
                #expect(refused.stderr.contains("another sync of source 'mr' holds its lock"))
                #expect(refused.stderr.contains("ledgersync pid \(ProcessInfo.processInfo.processIdentifier)"))
                #expect(try await database.strings("SELECT count(*)::text FROM sync_run") == runs)
                let other = try await CLI.run(
                    ["sync", "--quiet", "--config", "dms.toml"], in: directory, environment: SyncHarness.environment)
                #expect(other.status == 0, "\(other.stderr)")
                await lock.release()
                await holder.close()
                let after = try await CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                #expect(after.status == 0, "\(after.stderr)")
            }
        }
    }
}
