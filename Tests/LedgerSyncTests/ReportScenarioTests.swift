import Foundation
import LedgerCore
import LedgerReports
import LedgerSimulator
import LedgerStore
import Testing

/// Every kind of exception in the register, produced by syncing from the simulator with faults, not by writing
/// rows by hand.
@Suite("Reconciliation exceptions from simulator scenarios")
struct ReportScenarioTests {
    @Test("NO_OPENING, UNEXPLAINED_DIFFERENCE, INVARIANT_FAILED, CONFLICT, STALE, MISSING_ACCOUNT and FETCH_FAILED")
    func everyExceptionKind() async throws {
        try await withSyncHarness { harness in
            let world = harness.simulator.world
            let faults = harness.simulator.faults
            // Round 1: everything healthy; DMS org 103 is not configured yet.
            _ = try await harness.sync(harness.configuration(harness.configText(dmsOrgs: "[101, 102]")))
            let simulatedStart = world.now
            let wallAfterRound1 = SystemClock().now()
            // Long enough that an account last seen in round 1 is stale at the end, a healthy one is not.
            try await Task.sleep(for: .milliseconds(2_300))

            // Round 2, one simulated day later, with faults.
            world.advance(seconds: 86_400)
            faults.add(FaultRule(.serverError, source: .modelRouter, target: "1002"))
            faults.add(FaultRule(.droppedLogEntry, source: .modelRouter, target: "logs:1004"))
            world.setClientDeleted(1003, true)
            faults.add(FaultRule(.inconsistentTotals, source: .dmsCredit, target: "101:2"))
            faults.add(FaultRule(.serverError, source: .dmsCredit, target: "102:2"))
            let config = try harness.configuration(harness.configText(dmsOrgs: "[101, 102, 103]"))
            _ = try await harness.sync(config)
            let simulatedEnd = world.now

            // Round 3: ModelRouter serves 1001's current gmtModified with another balance.
            faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1001", times: 1))
            _ = try await harness.sync(config)
            let wallEnd = SystemClock().now().adding(milliseconds: 1)

            let reader = try LedgerReader.open(path: harness.databasePath)
            defer { try? reader.close() }
            func kinds(_ report: ReconciliationReport) -> Set<String> {
                Set(report.exceptions.map { "\($0.kind.rawValue) \($0.source)/\($0.account ?? "-")" })
            }

            // ModelRouter's valid times are the simulated clock's: reconcile the simulated day.
            let simulated = try Reconciler.report(reader: reader, parameters: ReportParameters(
                from: simulatedStart, to: simulatedEnd.adding(milliseconds: 1), filter: QueryFilter(sources: ["mr"]),
                staleAfterSeconds: 365 * 86_400))
            let simulatedKinds = kinds(simulated)
            #expect(simulatedKinds.contains("UNEXPLAINED_DIFFERENCE mr/1004"), "\(simulatedKinds)")
            #expect(simulatedKinds.contains("CONFLICT mr/1001"), "\(simulatedKinds)")
            let dropped = try #require(simulated.statements.first { $0.account.key == "1004" })
            #expect(dropped.difference != nil && dropped.difference != .zero)

            // DMS observations carry the wall clock (the response's Date header): reconcile the real interval.
            let wall = try Reconciler.report(reader: reader, parameters: ReportParameters(
                from: wallAfterRound1, to: wallEnd, staleAfterSeconds: 2))
            let wallKinds = kinds(wall)
            #expect(wallKinds.contains("NO_OPENING dms/103:2"), "\(wallKinds)")
            #expect(wallKinds.contains("INVARIANT_FAILED dms/101:2"), "\(wallKinds)")
            #expect(wallKinds.contains("STALE dms/102:2"), "\(wallKinds)")
            #expect(wallKinds.contains("FETCH_FAILED dms/102:2"), "\(wallKinds)")
            #expect(wallKinds.contains("FETCH_FAILED mr/1002"), "\(wallKinds)")
            #expect(wallKinds.contains("MISSING_ACCOUNT mr/1003"), "\(wallKinds)")
            // Healthy accounts are not flagged stale.
            #expect(!wallKinds.contains("STALE dms/101:2"))
            let invariant = try #require(wall.exceptions.first { $0.kind == .invariantFailed && $0.account == "101:2" })
            #expect(invariant.rule == "dms.total_available")
            #expect(invariant.difference == FixedDecimal("1.0000"))
            // The same database and parameters give the same exception ids.
            let again = try Reconciler.report(reader: reader, parameters: ReportParameters(
                from: wallAfterRound1, to: wallEnd, staleAfterSeconds: 2))
            #expect(again.exceptions.map(\.id) == wall.exceptions.map(\.id))
        }
    }
}
