import AsyncHTTPClient
import Foundation
import GRDB
import LedgerCore
import LedgerDemo
import LedgerReports
import LedgerSimulator
import LedgerSources
import LedgerStore
@testable import LedgerSync
import LedgerTestSupport
import Logging
import Testing

@Suite("Sync engine over the simulator")
struct SyncEngineTests {
    @Test("A first sync stores every account; an unchanged re-sync adds only a run")
    func idempotent() async throws {
        try await withSyncHarness { harness in
            let first = try await harness.sync()
            #expect(first.status == .complete, "\(first.summary)")
            #expect(first.sources.map(\.counts.versionsAdded) == [3, 5, 6])
            let versions = try harness.count("SELECT count(*) FROM balance_version")
            let raws = try harness.count("SELECT count(*) FROM raw_response")
            let logs = try harness.count("SELECT count(*) FROM modelrouter_balance_log")
            #expect(logs == 5)

            let second = try await harness.sync()
            #expect(second.status == .complete)
            #expect(second.sources.allSatisfy { $0.counts.versionsAdded == 0 && $0.counts.conflicts == 0 })
            #expect(try harness.count("SELECT count(*) FROM balance_version") == versions)
            #expect(try harness.count("SELECT count(*) FROM raw_response") == raws)
            #expect(try harness.count("SELECT count(*) FROM modelrouter_balance_log") == logs)
            #expect(try harness.count("SELECT count(*) FROM conflict") == 0)
            #expect(try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2)
            #expect(try harness.count("SELECT sum(versions_added) FROM sync_run_source WHERE run_id = 1") == 14)
            // TWCC child wallets point at their project's mother wallet.
            #expect(
                try harness.count(
                    "SELECT count(*) FROM account WHERE kind = 'twcc_wallet' AND parent_account_id IS NOT NULL") == 4)
        }
    }

    @Test("A raw response keeps the request id in the header its connector names; sources without one keep none")
    func requestIDs() async throws {
        try await withSyncHarness { harness in
            _ = try await harness.sync()
            // ModelRouter names the request in x-acs-request-id (and in the body's requestId): the same id.
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM raw_response r JOIN source_instance s ON s.id = r.source_id
                    WHERE s.kind = 'modelrouter' AND (r.request_id IS NULL OR instr(CAST(r.body AS TEXT), r.request_id) = 0)
                    """) == 0)
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM raw_response r JOIN source_instance s ON s.id = r.source_id
                    WHERE s.kind = 'modelrouter'
                    """) > 0)
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM raw_response r JOIN source_instance s ON s.id = r.source_id
                    WHERE s.kind <> 'modelrouter' AND r.request_id IS NOT NULL
                    """) == 0)
        }
    }

    @Test("A client both configured and discovered is one account, named by the discovery")
    func configuredAndDiscovered() async throws {
        try await withSyncHarness { harness in
            func accounts() throws -> [String] {
                let queue = try DatabaseQueue(path: harness.databasePath)
                defer { try? queue.close() }
                return try queue.read { db in
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT account_key || '=' || coalesce(display_name, '-') FROM account
                            WHERE kind = 'modelrouter' ORDER BY account_key
                            """)
                }
            }
            let plain = try await harness.sync()
            let discovered = try accounts()
            let first = try #require(discovered.first?.split(separator: "=").first.map(String.init))
            #expect(!discovered.contains { $0.hasSuffix("=-") }, "the simulator names every client")
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: harness.databasePath + suffix)
            }

            let both = try harness.configuration(harness.configText(extraMR: "clients = [\(first), \(first)]"))
            let report = try await harness.sync(both)
            #expect(report.status == .complete, "\(report.summary)")
            #expect(try accounts() == discovered)
            #expect(report.sources.first?.counts.targets == plain.sources.first?.counts.targets, "no target twice")
        }
    }

    @Test("Movements are pulled incrementally: never duplicated, always adding up to the balance")
    func movements() async throws {
        try await withSyncHarness { harness in
            _ = try await harness.sync()
            for _ in 0..<3 {
                harness.simulator.world.advance(seconds: 3_600)
                _ = try await harness.sync()
            }
            #expect(try harness.count("SELECT count(*) FROM modelrouter_balance_log") == 5 * 4)
            // For every client: the sum of stored movements equals the current balance.
            let mismatches = try harness.count(
                """
                SELECT count(*) FROM account a
                JOIN balance_version v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                WHERE a.kind = 'modelrouter'
                  AND v.available_balance_whole * 1000000000 + v.available_balance_nanos <> (
                      SELECT sum(change_amount_whole) * 1000000000 + sum(change_amount_nanos)
                      FROM modelrouter_balance_log l WHERE l.account_id = a.id)
                """)
            #expect(mismatches == 0)
            #expect(try harness.count("SELECT count(*) FROM modelrouter_log_cursor") == 5)
        }
    }

    @Test("A failing account or source never blocks the others; the run is partial")
    func isolation() async throws {
        try await withSyncHarness { harness in
            harness.simulator.faults.add(FaultRule(.serverError, source: .modelRouter, target: "1002"))
            harness.simulator.faults.add(FaultRule(.wrongTypes, source: .twccWallet, target: "MST000001/W0001"))
            let report = try await harness.sync(harness.configuration(harness.configText(dmsOrgs: "[101, 999]")))
            #expect(report.status == .partial)
            let mr = report.sources.first { $0.name == "mr" }!
            #expect(mr.status == .partial)
            #expect(mr.counts.versionsAdded == 4)
            #expect(mr.counts.errors == 1)
            #expect(report.sources.first { $0.name == "dms" }!.counts.errors == 1)
            #expect(report.sources.first { $0.name == "twcc" }!.counts.quarantined == 1)
            #expect(try harness.count("SELECT count(*) FROM fetch_error") == 2)
            #expect(try harness.count("SELECT count(*) FROM quarantine") == 1)
            #expect(try harness.count("SELECT count(*) FROM balance_version") == 4 + 1 + 5)
        }
    }

    @Test("A source that cannot be reached at all fails; the run is failed when every source does")
    func failed() async throws {
        try await withSyncHarness { harness in
            let text = harness.configText().replacingOccurrences(of: "127.0.0.1:\(harness.port)", with: "127.0.0.1:9")
            let report = try await harness.sync(harness.configuration(text))
            #expect(report.status == .failed)
            #expect(report.sources.allSatisfy { $0.status == .failed })
            #expect(try harness.count("SELECT count(*) FROM balance_version") == 0)
        }
    }

    @Test("An account missing from a complete discovery is gone, and comes back as a new version")
    func gone() async throws {
        try await withSyncHarness { harness in
            _ = try await harness.sync()
            harness.simulator.world.setClientDeleted(1003, true)
            let report = try await harness.sync()
            #expect(report.sources.first { $0.name == "mr" }!.counts.gone == 1)
            #expect(report.sources.first { $0.name == "mr" }!.discovery == .complete)
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM balance_version v JOIN account a ON a.id = v.account_id
                    WHERE a.account_key = '1003' AND v.state = 'gone' AND v.valid_to IS NULL
                    """) == 1)
            harness.simulator.world.setClientDeleted(1003, false)
            _ = try await harness.sync()
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM balance_version v JOIN account a ON a.id = v.account_id
                    WHERE a.account_key = '1003' AND v.superseded_at IS NULL
                    """) == 3)
        }
    }

    @Test("A partial discovery marks nothing gone")
    func partialDiscovery() async throws {
        try await withSyncHarness(SimulatorConfiguration(modelRouterClients: 250, changePercent: 100)) { harness in
            _ = try await harness.sync()
            harness.simulator.world.setClientDeleted(1003, true)
            harness.simulator.faults.add(FaultRule(.repeatedNextToken, source: .modelRouter, target: "list"))
            let report = try await harness.sync()
            let mr = report.sources.first { $0.name == "mr" }!
            #expect(mr.discovery == .partial)
            #expect(mr.counts.gone == 0)
            #expect(mr.status == .partial)
            #expect(try harness.count("SELECT count(*) FROM balance_version WHERE state = 'gone'") == 0)
        }
    }

    @Test("A second sync while one holds the lock exits at once, naming the holder, changing nothing")
    func singleWriter() async throws {
        try await withSyncHarness { harness in
            _ = try await harness.sync()
            let runs = try harness.count("SELECT count(*) FROM sync_run")
            let lock = try SyncLock.acquire(databasePath: harness.databasePath, now: SystemClock().now())
            let outcome = try await SyncCommandRunner.run(
                configuration: harness.configuration(), logger: SyncHarness.quiet)
            guard case .locked(let held) = outcome else {
                Issue.record("expected the lock to be held")
                lock.release()
                return
            }
            #expect(held.holder.contains("pid \(ProcessInfo.processInfo.processIdentifier)"))
            #expect(held.description.contains("another sync holds"))
            #expect(try harness.count("SELECT count(*) FROM sync_run") == runs)
            lock.release()
            guard
                case .finished(let report) = try await SyncCommandRunner.run(
                    configuration: harness.configuration(), logger: SyncHarness.quiet)
            else {
                Issue.record("the lock should be free again")
                return
            }
            #expect(report.status == .complete)
        }
    }

    @Test("The demo produces history, movements and conflicts")
    func demo() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-demo-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = LockedLines()
        let result = try await DemoRunner(directory: directory, logger: SyncHarness.quiet).run { lines.append($0) }
        #expect(result.rounds.count == 5)
        #expect(result.rounds.allSatisfy { $0.status == .complete })
        #expect(result.rounds[1].sources.allSatisfy { $0.counts.versionsAdded == 0 })
        let conflicts = result.rounds[3].sources.first { $0.name == "modelrouter" }!.counts.conflicts
        #expect(conflicts == 2)
        #expect(lines.all.contains { $0.contains(result.databasePath) })
        let queue = try DatabaseQueue(path: result.databasePath)
        let kinds = try await queue.read { db in try String.fetchAll(db, sql: "SELECT kind FROM conflict ORDER BY kind")
        }
        #expect(kinds == ["late_arrival", "same_timestamp_different_content"])
        // The export and check it suggests hold its conflicts and latest versions, whatever the date it runs on.
        let times = try queue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT max(valid_from) FROM balance_version),
                           (SELECT min(min(incoming_valid_from, stored_valid_from)) FROM conflict),
                           (SELECT max(max(incoming_valid_from, stored_valid_from)) FROM conflict)
                    """)!
        }
        let from = try Instant(iso8601: result.period.from + "T00:00:00Z").millisecondsSinceEpoch
        let to = try Instant(iso8601: result.period.to + "T00:00:00Z").millisecondsSinceEpoch
        #expect((times[0] as Int64) < to)
        #expect(from <= times[1] as Int64)
        #expect((times[2] as Int64) < to)
        #expect(to - from <= 33 * 86_400_000)
        #expect(
            lines.all.contains {
                $0.contains("export --db \(result.databasePath) --from \(result.period.from) --to \(result.period.to)")
            })
        try queue.close()
        // Its report tells only what the demo stages: the late arrival and the same-timestamp conflict. Every
        // valid time is simulated, so no account lacks an opening because of the wall clock.
        let reader = try LedgerReader.open(path: result.databasePath)
        let report = try await Reconciler.report(
            reader: reader,
            parameters: ReportParameters(
                from: Instant(iso8601: result.period.from + "T00:00:00Z"),
                to: Instant(iso8601: result.period.to + "T00:00:00Z")))
        try reader.close()
        #expect(
            report.exceptions.map { "\($0.kind.rawValue) \($0.account ?? "-")" }.sorted() == [
                "CONFLICT 1001", "CONFLICT 1002",
            ])
        let mode =
            try FileManager.default.attributesOfItem(atPath: directory + "/secrets.env")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("Capture and replay")
struct CaptureReplayTests {
    @Test("A replayed capture gives the same normalized content as the online run, with no network")
    func replay() async throws {
        try await withSyncHarness { harness in
            let capture = harness.directory + "/capture"
            let online = try harness.configuration()
            guard
                case .finished(let first) = try await SyncCommandRunner.run(
                    configuration: online, capture: capture, logger: SyncHarness.quiet)
            else {
                Issue.record("locked")
                return
            }
            #expect(first.status == .complete)
            let captured = try FileManager.default.contentsOfDirectory(atPath: capture)
            #expect(captured.count >= 14)
            // No secret in the capture (the TWCC token exchange is never written).
            for file in captured {
                let text = try String(contentsOfFile: capture + "/" + file, encoding: .utf8)
                for secret in ["sim-access-key-secret", "sim-dms-token", "sim-password"] {
                    #expect(!text.contains(secret), "\(secret) in \(file)")
                }
                #expect(!text.contains("/api/token"), "the token exchange was captured in \(file)")
            }
            await harness.simulator.stop()

            // The same config into another ledger, from the capture only.
            var offline = online
            offline.storePath = harness.directory + "/replayed.sqlite"
            guard
                case .finished(let replayed) = try await SyncCommandRunner.run(
                    configuration: offline, replay: capture, logger: SyncHarness.quiet)
            else {
                Issue.record("locked")
                return
            }
            #expect(replayed.status == .complete, "\(replayed.summary)")

            let a = try LedgerDatabase.open(path: online.storePath, logger: SyncHarness.quiet)
            let b = try LedgerDatabase.open(path: offline.storePath, logger: SyncHarness.quiet)
            #expect(try a.normalizedDigest() == b.normalizedDigest())
            try a.close()
            try b.close()
        }
    }
}

@Suite("Rebuild")
struct RebuildTests {
    @Test("Rebuilding from raw responses reproduces versions, conflicts, movements and gone accounts")
    func rebuild() async throws {
        try await withSyncHarness { harness in
            let configuration = try harness.configuration()
            try await harness.syncHistoryWithConflictsAndGone()

            let database = try LedgerDatabase.open(path: harness.databasePath, logger: SyncHarness.quiet)
            let before = try database.normalizedDigest()
            #expect(try harness.count("SELECT count(*) FROM conflict") == 2)
            #expect(try harness.count("SELECT count(*) FROM balance_version WHERE state = 'gone'") == 1)
            let versions = try harness.count("SELECT count(*) FROM balance_version WHERE superseded_at IS NULL")
            let raws = try harness.count("SELECT count(*) FROM raw_response")

            let report = try await Rebuilder(
                configuration: configuration, database: database, logger: SyncHarness.quiet
            ).run()
            #expect(report.gone == 1)
            #expect(report.movements > 0)
            #expect(try database.normalizedDigest() == before)
            #expect(try harness.count("SELECT count(*) FROM balance_version WHERE superseded_at IS NULL") == versions)
            // A second rebuild is as good as the first.
            _ = try await Rebuilder(configuration: configuration, database: database, logger: SyncHarness.quiet).run()
            #expect(try database.normalizedDigest() == before)
            // The raw responses are read, never copied.
            #expect(try harness.count("SELECT count(*) FROM raw_response") == raws)
            try database.close()
            let check = try harness.count("SELECT count(*) FROM pragma_foreign_key_check")
            #expect(check == 0)
        }
    }
}

@Suite("Stopping a sync early")
struct SyncStopTests {
    @Test("A stop takes no further account, marks nothing gone and ends the run interrupted")
    func stopped() async throws {
        try await withSyncHarness { harness in
            let first = try await harness.sync()
            #expect(first.status == .complete)
            let versions = try harness.count("SELECT count(*) FROM balance_version")
            let stop = SyncStop()
            stop.request()
            let database = try LedgerDatabase.open(path: harness.databasePath, logger: SyncHarness.quiet)
            let report = try await SyncEngine(
                configuration: harness.configuration(), store: database,
                transport: AsyncHTTPClientTransport(client: harness.client), sleep: { _ in }, stop: stop,
                logger: SyncHarness.quiet
            ).run()
            try database.close()
            #expect(report.status == .interrupted)
            #expect(report.sources.allSatisfy { $0.counts.fetched == 0 })
            // Discovery was complete, but no account was targeted: none may be called gone.
            #expect(try harness.count("SELECT count(*) FROM balance_version WHERE state = 'gone'") == 0)
            #expect(try harness.count("SELECT count(*) FROM balance_version") == versions)
            #expect(try harness.string("SELECT status FROM sync_run ORDER BY id DESC LIMIT 1") == "interrupted")
            #expect(
                try harness.string("SELECT message FROM sync_run ORDER BY id DESC LIMIT 1").contains("stopped early"))
        }
    }
}
