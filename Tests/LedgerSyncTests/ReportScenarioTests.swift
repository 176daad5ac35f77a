import Foundation
import LedgerCore
import LedgerReports
import LedgerSimulator
import LedgerStore
import LedgerTestSupport
import Testing

/// Every kind of exception in the register, produced by syncing from the simulator with faults, not by writing
/// rows by hand.
@Suite("Reconciliation exceptions from simulator scenarios")
struct ReportScenarioTests {
    @Test("NO_OPENING, UNEXPLAINED_DIFFERENCE, INVARIANT_FAILED, CONFLICT, STALE, MISSING_ACCOUNT and FETCH_FAILED")
    func everyExceptionKind() async throws {
        // Simulated time throughout: the engine's clock, the APIs' Date headers and gmtModified all follow the
        // world, so the scenario's days pass without waiting.
        try await withSyncHarness(simulatedTime: true) { harness in
            let world = harness.simulator.world
            let faults = harness.simulator.faults
            // Round 1: everything healthy; DMS org 103 is not configured yet.
            _ = try await harness.sync(harness.configuration(harness.configText(dmsOrgs: "[101, 102]")))
            let start = world.now.adding(milliseconds: 1)

            // Round 2, one simulated day later, with faults.
            world.advance(seconds: 86_400)
            faults.add(FaultRule(.serverError, source: .modelRouter, target: "1002"))
            faults.add(FaultRule(.droppedLogEntry, source: .modelRouter, target: "logs:1004"))
            world.setClientDeleted(1003, true)
            faults.add(FaultRule(.inconsistentTotals, source: .dmsCredit, target: "101:2"))
            faults.add(FaultRule(.serverError, source: .dmsCredit, target: "102:2"))
            let config = try harness.configuration(harness.configText(dmsOrgs: "[101, 102, 103]"))
            _ = try await harness.sync(config)

            // Round 3: ModelRouter serves 1001's current gmtModified with another balance.
            faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1001", times: 1))
            _ = try await harness.sync(config)
            let end = harness.simulator.clock.now().adding(milliseconds: 1)

            let reader = try LedgerReader.open(path: harness.databasePath)
            defer { try? reader.close() }
            func kinds(_ report: ReconciliationReport) -> Set<String> {
                Set(report.exceptions.map { "\($0.kind.rawValue) \($0.source)/\($0.account ?? "-")" })
            }

            // One period covers every source: the day between the rounds. An account last seen in round 1 is
            // stale at its end (12 hours allowed), one seen in round 3 is not.
            let report = try await Reconciler.report(
                reader: reader,
                parameters: ReportParameters(
                    from: start, to: end, staleAfterSeconds: 12 * 3600))
            let found = kinds(report)
            #expect(found.contains("UNEXPLAINED_DIFFERENCE mr/1004"), "\(found)")
            #expect(found.contains("CONFLICT mr/1001"), "\(found)")
            let dropped = try #require(report.statements.first { $0.account.key == "1004" })
            #expect(dropped.difference != nil && dropped.difference != .zero)
            #expect(found.contains("NO_OPENING dms/103:2"), "\(found)")
            #expect(found.contains("INVARIANT_FAILED dms/101:2"), "\(found)")
            #expect(found.contains("STALE dms/102:2"), "\(found)")
            #expect(found.contains("FETCH_FAILED dms/102:2"), "\(found)")
            #expect(found.contains("FETCH_FAILED mr/1002"), "\(found)")
            #expect(found.contains("MISSING_ACCOUNT mr/1003"), "\(found)")
            // Healthy accounts are not flagged stale.
            #expect(!found.contains("STALE dms/101:2"))
            let invariant = try #require(
                report.exceptions.first { $0.kind == .invariantFailed && $0.account == "101:2" })
            #expect(invariant.rule == "dms.total_available")
            #expect(invariant.difference == FixedDecimal("1.0000"))
            // The same database and parameters give the same exception ids.
            let again = try await Reconciler.report(
                reader: reader,
                parameters: ReportParameters(
                    from: start, to: end, staleAfterSeconds: 12 * 3600))
            #expect(again.exceptions.map(\.id) == report.exceptions.map(\.id))
        }
    }
}
