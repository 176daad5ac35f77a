import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerStore
import LedgerTestSupport
@testable import LedgerSync
import Testing

@Suite("Crash safety")
struct CrashSafetyTests {
    @Test(
        "kill -9 at random points in 50 runs: integrity holds, and a full sync afterwards equals an uninterrupted one")
    func killNine() async throws {
        let binary = try CLI.binary()
        try await withSyncHarness(
            SimulatorConfiguration(
                modelRouterClients: 150, dmsOrgs: 60, twccProjects: 10, childWalletsPerProject: 3, changePercent: 100)
        ) { harness in
            let orgs = Self.orgs
            // One online run captures the answers; every crash run replays them, so all see the same bytes.
            guard let (capture, referenceDigest) = try await Self.captureReference(harness) else { return }

            func configFile(_ index: Int) throws -> String {
                let path = harness.directory + "/crash-\(index).toml"
                let text = harness.configText(dmsOrgs: orgs)
                    .replacingOccurrences(of: "path = \"ledger.sqlite\"", with: "path = \"crash-\(index).sqlite\"")
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                return path
            }
            func launch(_ config: String) throws -> Process {
                try Self.launch(binary, ["sync", "--config", config, "--from", capture, "--quiet"])
            }
            let window = try await Self.killWindow { try launch(try configFile(900 + $0)) }
            let seed = Self.killSeed("kill -9 test", window: window)
            var points = SplitMix64(seed: seed)
            var killedMidway = 0
            for index in 0..<50 {
                let config = try configFile(index)
                if try await Self.kill(try launch(config), within: window, points: &points) { killedMidway += 1 }
                let path = harness.directory + "/crash-\(index).sqlite"
                if FileManager.default.fileExists(atPath: path) {
                    let queue = try DatabaseQueue(path: path)
                    let verdict = try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                    try queue.close()
                    #expect(verdict == ["ok"], "run \(index), seed \(seed)")
                    // The chain holds across the kill: every fact committed is linked, nothing half-linked (unless the
                    // kill came while the new ledger was still being created, before the chain's migration).
                    if try LedgerDatabase.migrationStatus(path: path).allSatisfy({ $0.state == .applied }) {
                        let chain = try LedgerVerifier.quick(path: path).findings
                        #expect(chain.isEmpty, "run \(index), seed \(seed): \(chain)")
                    }
                }
                // An uninterrupted sync afterwards (in-process, same capture) completes the ledger.
                let configuration = try SyncConfiguration.load(path: config, environment: SyncHarness.environment)
                guard
                    case .finished(let after) = try await SyncCommandRunner.run(
                        configuration: configuration, replay: capture, logger: SyncHarness.quiet)
                else {
                    Issue.record("run \(index): still locked after the kill")
                    continue
                }
                #expect(after.status == .complete, "run \(index), seed \(seed)")
                let database = try LedgerDatabase.open(path: path, logger: SyncHarness.quiet)
                #expect(try database.normalizedDigest() == referenceDigest, "run \(index), seed \(seed)")
                let interrupted = try LedgerReader(database).runs(page: .all).rows.filter { $0.status == .running }
                    .count
                #expect(interrupted == 0, "run \(index), seed \(seed): a run is left running")
                try database.close()
            }
            // Most kills must land while the sync runs, or the test proves little.
            #expect(killedMidway >= 25, "only \(killedMidway) of 50 kills hit a running sync (seed \(seed))")
        }
    }

    @Test("kill -9 during rebuild at random points: the ledger is the one before or the rebuilt one, never half")
    func killNineRebuild() async throws {
        let binary = try CLI.binary()
        try await withSyncHarness(
            SimulatorConfiguration(modelRouterClients: 200, dmsOrgs: 50, twccProjects: 2, changePercent: 100)
        ) { harness in
            // Several syncs, so that a rebuild replays over a thousand facts, most of them through the batch's
            // set-based writes (new accounts, then newer versions), and movements and gone accounts.
            let orgs = "[" + (101...150).map(String.init).joined(separator: ", ") + "]"
            let text = harness.configText(dmsOrgs: orgs)
            for round in 0..<4 {
                if round == 2 { harness.simulator.world.setClientDeleted(1004, true) }
                _ = try await harness.sync(try harness.configuration(text))
                harness.simulator.world.advance(seconds: 3_600)
            }
            await harness.simulator.stop()
            let reference = try LedgerDatabase.open(path: harness.databasePath, logger: SyncHarness.quiet)
            let referenceDigest = try reference.normalizedDigest()
            try reference.close()
            let original = try Data(contentsOf: URL(fileURLWithPath: harness.databasePath))

            /// A copy of the synced ledger and a config naming it.
            func ledgerCopy(_ index: Int) throws -> (config: String, path: String) {
                let path = harness.directory + "/rebuild-\(index).sqlite"
                try original.write(to: URL(fileURLWithPath: path))
                let config = harness.directory + "/rebuild-\(index).toml"
                try Data(
                    text.replacingOccurrences(
                        of: "path = \"ledger.sqlite\"", with: "path = \"rebuild-\(index).sqlite\""
                    ).utf8
                ).write(to: URL(fileURLWithPath: config))
                return (config, path)
            }
            func launch(_ config: String) throws -> Process {
                try Self.launch(binary, ["rebuild", "--config", config])
            }
            let window = try await Self.killWindow { try launch(try ledgerCopy(900 + $0).config) }
            let seed = Self.killSeed("kill -9 rebuild test", window: window)
            var points = SplitMix64(seed: seed)
            var killedMidway = 0
            for index in 0..<10 {
                let (config, path) = try ledgerCopy(index)
                if try await Self.kill(try launch(config), within: window, points: &points) { killedMidway += 1 }
                let queue = try DatabaseQueue(path: path)
                let verdict = try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                let foreignKeys = try await queue.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_foreign_key_check") ?? -1
                }
                try queue.close()
                #expect(verdict == ["ok"], "run \(index), seed \(seed)")
                #expect(foreignKeys == 0, "run \(index), seed \(seed)")
                #expect(try LedgerVerifier.quick(path: path).findings.isEmpty, "run \(index), seed \(seed)")
                // Killed before its commit, the rebuild changed nothing; after, it is done. Both hold the same facts.
                let database = try LedgerDatabase.open(path: path, logger: SyncHarness.quiet)
                #expect(try database.normalizedDigest() == referenceDigest, "run \(index), seed \(seed)")
                // And a rebuild afterwards completes.
                _ = try await Rebuilder(
                    configuration: try SyncConfiguration.load(path: config, environment: SyncHarness.environment),
                    database: database, logger: SyncHarness.quiet
                ).run()
                #expect(try database.normalizedDigest() == referenceDigest, "run \(index), seed \(seed)")
                try database.close()
            }
            #expect(killedMidway >= 5, "only \(killedMidway) of 10 kills hit a running rebuild (seed \(seed))")
        }
    }

    /// The DMS organizations of the crash tests' world.
    static let orgs = "[" + (101...160).map(String.init).joined(separator: ", ") + "]"

    /// One online sync into a SQLite ledger that captures every answer, and that ledger's normalized digest: the
    /// reference the crash runs replay and are compared with. The simulator is stopped afterwards (the runs replay).
    /// - Returns: `nil` (an issue recorded) when the reference sync did not complete.
    static func captureReference(_ harness: SyncHarness) async throws -> (capture: String, digest: String)? {
        let capture = harness.directory + "/capture"
        let reference = try harness.configuration(harness.configText(dmsOrgs: orgs))
        guard
            case .finished(let online) = try await SyncCommandRunner.run(
                configuration: reference, capture: capture, logger: SyncHarness.quiet),
            online.status == .complete
        else {
            Issue.record("the reference sync did not complete")
            return nil
        }
        await harness.simulator.stop()
        let digest = try LedgerDatabase.open(path: reference.storePath, logger: SyncHarness.quiet).normalizedDigest()
        return (capture, digest)
    }

    /// The CLI with `arguments` and the harness's credentials in its environment, its output discarded.
    static func launch(_ binary: String, _ arguments: [String]) throws -> Process {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in SyncHarness.environment { environment[name] = value }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The milliseconds to spread kills over: 80 % of the shortest of three uninterrupted runs. The first launch
    /// pays for a cold page cache, and a window longer than a typical run would put kills after the exit (CI saw 20
    /// of 50 land on a machine faster than the timing run).
    static func killWindow(_ start: (Int) throws -> Process) async throws -> Int64 {
        let clock = ContinuousClock()
        var shortest = Duration.seconds(3600)
        for attempt in 0..<3 {
            let timing = try start(attempt)
            let started = clock.now
            try await CLI.exit(of: timing, started: true)
            shortest = min(shortest, clock.now - started)
            #expect(timing.terminationStatus == 0)
        }
        let milliseconds = shortest.components.seconds * 1000 + shortest.components.attoseconds / 1_000_000_000_000_000
        return max(milliseconds * 8 / 10, 40)
    }

    /// The seed of the kill points, printed so that a failure can be run again with LEDGERSYNC_KILL_SEED=<seed>.
    static func killSeed(_ test: String, window: Int64) -> UInt64 {
        let seed =
            ProcessInfo.processInfo.environment["LEDGERSYNC_KILL_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        print("\(test): seed \(seed), window \(window) ms (LEDGERSYNC_KILL_SEED=\(seed) repeats it)")
        return seed
    }

    /// Kills `process` with SIGKILL at the next random point of the window if it still runs then, and waits for it.
    /// - Returns: Whether it was killed before it finished.
    static func kill(_ process: Process, within window: Int64, points: inout SplitMix64) async throws -> Bool {
        try await Task.sleep(for: .milliseconds(Int64(points.next() % UInt64(window + 1))))
        let killed = process.isRunning
        if killed { Glibc.kill(process.processIdentifier, SIGKILL) }
        try await CLI.exit(of: process, started: true)
        return killed
    }
}
