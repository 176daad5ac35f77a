import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerStore
@testable import LedgerSync
import LedgerTestSupport
import Testing

/// A seeded simulation, as ledgers that promise "nothing lost" test themselves: from one seed, a schedule of source
/// changes, faults (429, 5xx, timeouts, dropped, truncated and malformed bodies, a source clock a day ahead), kills of the
/// `ledgersync sync` binary and restarts. After every step the chain and the file verify; every few steps and at
/// the end the whole ledger re-derives; and after every step the ledger's answers as of each earlier point equal a
/// model of what the sources said then.
///
/// `LEDGERSYNC_SIM_SEED=<seed>` repeats a run (a failure prints its seed); `LEDGERSYNC_SIM_STEPS=<n>` runs longer
/// (CI runs the default).
@Suite("Seeded simulation: changes, faults, kills; verify and the model after every step")
struct SeededSimulationTests {
    /// What a step does.
    enum Step: CaseIterable {
        case change, fault, sync, kill
    }

    /// 429, 5xx, a connection dropped mid-body, truncated and malformed bodies, a source clock a day ahead, and an
    /// answer slower than the sources' one-second timeout.
    static let faults: [FaultKind] = [
        .throttled, .serverError, .dropMidBody, .truncatedJSON, .malformedJSON, .clockSkew, .slow,
    ]

    @Test("Every step leaves a ledger that verifies and answers as the sources said")
    func simulate() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["LEDGERSYNC_SIM_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        let steps = environment["LEDGERSYNC_SIM_STEPS"].flatMap(Int.init) ?? 40
        print("seeded simulation: seed \(seed), \(steps) steps (LEDGERSYNC_SIM_SEED=\(seed) repeats it)")
        let binary = try CLI.binary()
        try await withSyncHarness(
            // The world's three DMS orgs and two TWCC projects are the ones the harness's config names.
            SimulatorConfiguration(modelRouterClients: 12, dmsOrgs: 3, twccProjects: 2, changePercent: 40)
        ) { harness in
            var rng = SplitMix64(seed: seed)
            // Every source gives up on an answer after a second, so that a slow one is a timeout.
            let text = harness.configText().replacingOccurrences(
                of: "max_attempts = 2", with: "max_attempts = 2\ntimeout_seconds = 1")
            let configuration = try harness.configuration(text)
            let configPath = harness.directory + "/ledgersync.toml"
            try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
            var model: [(at: Instant, balances: [String: FixedDecimal])] = []
            var log: [String] = []

            /// Syncs until a run completes with no fault left to serve, then takes the model's point.
            func settle() async throws {
                for _ in 0..<6 {
                    let report = try await harness.sync(configuration)
                    let conflicts = report.sources.map(\.counts.conflicts).reduce(0, +)
                    if report.status == .complete && conflicts == 0 { break }
                }
                model.append((SystemClock().now(), harness.simulator.world.servedBalances()))
            }
            try await settle()
            for index in 0..<steps {
                let step = Step.allCases[Int(rng.next() % UInt64(Step.allCases.count))]
                switch step {
                case .change:
                    let seconds = Int64(rng.next() % 7_200) + 60
                    harness.simulator.world.advance(seconds: seconds)
                    log.append("\(index): change (\(seconds) s)")
                case .fault:
                    let kind = Self.faults[Int(rng.next() % UInt64(Self.faults.count))]
                    let times = Int(rng.next() % 2) + 1
                    let source: SourceKind =
                        kind == .clockSkew
                        ? .modelRouter : [.modelRouter, .dmsCredit, .twccWallet][Int(rng.next() % 3)]
                    harness.simulator.faults.add(
                        FaultRule(kind, source: source, times: times, delayMilliseconds: kind == .slow ? 1_300 : nil))
                    log.append("\(index): fault \(kind.rawValue) ×\(times) on \(source.rawValue)")
                case .sync:
                    try await settle()
                    log.append("\(index): sync, model point \(model.count)")
                case .kill:
                    // The binary, killed at a seeded point within a few dozen milliseconds of its start.
                    let process = try CrashSafetyTests.launch(binary, ["sync", "--config", configPath, "--quiet"])
                    var points = SplitMix64(seed: rng.next())
                    let killed = try await CrashSafetyTests.kill(process, within: 60, points: &points)
                    log.append("\(index): kill -9 (\(killed ? "while running" : "after it ended"))")
                }
                let context = "seed \(seed), after \(log.last ?? "")"
                // The file and the chain after every step.
                let quick = try LedgerVerifier.quick(path: harness.databasePath)
                #expect(quick.findings.isEmpty, "\(context): \(quick.findings)")
                // Every row re-derives every few steps.
                if index % 10 == 9 {
                    let full = try await VerifyTests.verify(harness.databasePath, configuration)
                    #expect(full.findings.isEmpty, "\(context): \(full.findings)")
                }
                // The ledger answers as the sources said, as of every point the model took.
                let reader = try LedgerReader.open(path: harness.databasePath)
                for (point, expected) in model.enumerated() {
                    var found: [String: FixedDecimal] = [:]
                    for row in try reader.balances(asOf: AsOf(recorded: expected.at), page: .all).rows
                    where row.state == .present {
                        found["\(row.account.kind.rawValue)/\(row.account.key)"] = row.availableBalance
                    }
                    let differing = expected.balances.filter { found[$0.key] != $0.value }.map(\.key).sorted()
                    #expect(
                        differing.isEmpty,
                        "\(context): as of model point \(point), \(differing.prefix(5)) differ from what the sources said"
                    )
                }
                try reader.close()
            }
            try await settle()
            let kills = log.filter { $0.contains("while running") }.count
            print(
                "seeded simulation: seed \(seed): \(model.count) model points, \(kills) kills of a running sync, "
                    + "\(log.filter { $0.contains("fault") }.count) faults, \(log.filter { $0.contains("change") }.count) changes"
            )
            let final = try await VerifyTests.verify(harness.databasePath, configuration)
            #expect(final.findings.isEmpty, "seed \(seed), at the end: \(final.findings)")
            #expect(model.count >= 2, "seed \(seed): the schedule synced too rarely to model anything")
        }
    }
}
