import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import Testing

@Suite("ModelRouter connector over loopback")
struct ModelRouterConnectorTests {
    @Test("Happy path: an amount balance and a tokens balance, exact, with gmtModified")
    func balances() async throws {
        try await withSimulator { harness in
            let connector = try harness.modelRouter()
            let outcome = try await connector.balance(clientID: 1001)
            let observation = try #require(outcome.decoded())
            let (balance, logSum) = try #require(harness.simulator.world.clientBalanceAndLogSum(1001))
            #expect(observation.figures.availableBalance == balance)
            #expect(balance == logSum)
            #expect(observation.figures.unit == (try MoneyUnit("CNY")))
            #expect(observation.account == .modelRouter(clientID: 1001))
            #expect(observation.sourceModifiedAt != nil)
            #expect(observation.validFrom == observation.sourceModifiedAt)
            #expect(outcome.response.status == 200)
            #expect(outcome.response.action == "ModelRouterGetClientBalance")

            let tokens = try #require(try await connector.balance(clientID: 1005).decoded())
            #expect(tokens.figures.unit == .tokens)
        }
    }

    @Test("A wrong secret is refused by the signature check, and not retried")
    func wrongSecret() async throws {
        try await withSimulator { harness in
            let connector = try harness.modelRouter(secret: "not-the-secret")
            let error = await #expect(throws: SourceError.self) { try await connector.balance(clientID: 1001) }
            #expect(error?.kind == .authentication)
            #expect(error?.httpStatus == 400)
            #expect(error?.remoteCode == "SignatureDoesNotMatch")
            #expect(error?.attempts == 1)
            #expect(error?.retryable == false)
            #expect(error?.description.contains("not-the-secret") == false)
        }
    }

    @Test("Discovery pages through every client")
    func discovery() async throws {
        try await withSimulator(SimulatorConfiguration(modelRouterClients: 250)) { harness in
            var connector = try harness.modelRouter()
            connector.pageSize = 100
            let discovery = await connector.discoverClients()
            #expect(discovery.complete)
            #expect(discovery.failure == nil)
            #expect(discovery.items.map(\.id) == (1001...1250).map { Int64($0) })
            #expect(discovery.pages == 3)
            #expect(discovery.items.first?.name == "部门-1001")
        }
    }

    @Test(
        "Discovery that cannot end trustworthily is partial, never complete",
        arguments: [FaultKind.repeatedNextToken, .endlessEmptyPages, .totalNeverReached, .wrongTypes, .serverError])
    func discoveryGuards(fault: FaultKind) async throws {
        try await withSimulator(SimulatorConfiguration(modelRouterClients: 250)) { harness in
            harness.simulator.faults.add(FaultRule(fault, source: .modelRouter, target: "list"))
            var connector = try harness.modelRouter()
            connector.pageSize = 100
            let discovery = await connector.discoverClients()
            #expect(!discovery.complete)
            #expect(discovery.failure != nil)
            #expect(discovery.pages <= 10)
        }
    }

    @Test(
        "Offset paging that lists clients again (clients added ahead of the reader) hands each out once, complete",
        arguments: [3, 10])
    func repeatedClients(shift: Int) async throws {
        try await withSimulator(SimulatorConfiguration(modelRouterClients: 250)) { harness in
            harness.simulator.faults.add(FaultRule(.shiftedPages, source: .modelRouter, target: "list", entries: shift))
            var connector = try harness.modelRouter()
            connector.pageSize = 10
            let discovery = await connector.discoverClients()
            #expect(discovery.complete)
            #expect(discovery.failure == nil)
            #expect(discovery.items.map(\.id) == (1001...1250).map { Int64($0) })
            // Every page was served shifted (the first has nothing to shift), and the shift costs one more page.
            #expect(harness.simulator.faults.hitCount(.shiftedPages) == discovery.pages)
            #expect(discovery.pages == 26)
        }
    }

    @Test("Balance logs: every entry once across page boundaries, consistent with the balance; cursor skips old ones")
    func logs() async throws {
        try await withSimulator(SimulatorConfiguration(modelRouterClients: 3, changePercent: 100)) { harness in
            for _ in 0..<20 { harness.simulator.world.advance(seconds: 3600) }
            var connector = try harness.modelRouter()
            connector.pageSize = 7
            let all = try await connector.balanceLogs(clientID: 1002, after: nil)
            #expect(all.entries.count == 21)
            #expect(Set(all.entries.map(\.remoteID)).count == all.entries.count)
            #expect(all.responses.count == 3)
            var running = FixedDecimal.zero
            for entry in all.entries {
                #expect(entry.balanceBefore == running)
                running = try running.adding(entry.changeAmount)
                #expect(entry.balanceAfter == running)
            }
            let balance = try #require(try await connector.balance(clientID: 1002).decoded())
            #expect(balance.figures.availableBalance == running)

            let cursor = all.entries[13]
            let newer = try await connector.balanceLogs(clientID: 1002, after: (cursor.gmtCreate, cursor.remoteID))
            #expect(newer.entries.map(\.remoteID) == all.entries.dropFirst(14).map(\.remoteID))
        }
    }

    @Test("Stale and same-timestamp answers decode as served; the sync judges them")
    func conflictsDecode() async throws {
        try await withSimulator(SimulatorConfiguration(changePercent: 100)) { harness in
            let connector = try harness.modelRouter()
            let first = try #require(try await connector.balance(clientID: 1001).decoded())
            harness.simulator.world.advance(seconds: 3600)
            let second = try #require(try await connector.balance(clientID: 1001).decoded())
            #expect(try #require(second.sourceModifiedAt) > (try #require(first.sourceModifiedAt)))
            harness.simulator.faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 1))
            let stale = try #require(try await connector.balance(clientID: 1001).decoded())
            #expect(stale.sourceModifiedAt == first.sourceModifiedAt)
            #expect(stale.figures == first.figures)
            harness.simulator.faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, times: 1))
            let same = try #require(try await connector.balance(clientID: 1001).decoded())
            #expect(same.sourceModifiedAt == second.sourceModifiedAt)
            #expect(
                same.figures.availableBalance == (try second.figures.availableBalance!.adding(FixedDecimal(integer: 1)))
            )
        }
    }
}
