import LedgerCore
@testable import LedgerSimulator
import Testing

@Suite("Simulator world")
struct SimulatorWorldTests {
    @Test("The same seed and advances give the same world; another seed does not")
    func deterministic() throws {
        func snapshot(_ seed: UInt64) -> [String] {
            let world = SimulatorWorld(configuration: SimulatorConfiguration(seed: seed, modelRouterClients: 50))
            for _ in 0..<5 { world.advance(seconds: 86_400) }
            return (1001...1050).map { id in
                let pair = world.clientBalanceAndLogSum(Int64(id))!
                return "\(id):\(pair.balance):\(pair.logSum)"
            }
        }
        #expect(snapshot(1) == snapshot(1))
        #expect(snapshot(1) != snapshot(2))
    }

    @Test("Balances always equal the sum of their movements, at 100k clients too")
    func consistent() throws {
        let world = SimulatorWorld(
            configuration: SimulatorConfiguration(modelRouterClients: 100_000, dmsOrgs: 0, twccProjects: 0))
        world.advance(seconds: 3_600)
        for id in stride(from: 1001, through: 101_000, by: 997) {
            let pair = try #require(world.clientBalanceAndLogSum(Int64(id)))
            #expect(pair.balance == pair.logSum)
            #expect(!pair.balance.isNegative)
        }
    }
}
