import ArgumentParser
import Foundation
import LedgerCore
import LedgerSimulator
import Logging

/// `ledgersync-sim`: serves simulated ModelRouter, DMS credit and TWCC wallet APIs on loopback.
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgersync-sim",
        abstract: "Serve simulated ModelRouter, DMS credit and TWCC wallet APIs for tests, benchmarks and demos.",
        discussion: """
            Control endpoints: POST /_sim/advance?seconds=N moves simulated time; POST /_sim/faults takes a JSON
            array of fault rules ({"kind": "throttled", "source": "modelrouter", "target": "1001", "times": 1,
            "retryAfterSeconds": 1}); DELETE /_sim/faults clears them; GET /_sim/state shows the world.
            Credentials: ModelRouter AccessKey sim-access-key-id / sim-access-key-secret; DMS token sim-dms-token;
            TWCC account sim-user, password sim-password, or API key sim-api-key.
            """)

    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port; 0 picks a free one.") var port = 18081
    @Option(help: "The seed of the simulated world.") var seed: UInt64 = 42
    @Option(help: "ModelRouter clients.") var clients = 5
    @Option(help: "DMS customers.") var orgs = 5
    @Option(help: "TWCC projects (each with a mother wallet and children).") var projects = 2
    @Option(help: "Child wallets per TWCC project.") var children = 2

    func validate() throws {
        guard clients >= 0, orgs >= 0, projects >= 0, children >= 0 else {
            throw ValidationError("counts must not be negative")
        }
    }

    func run() async throws {
        let simulator = Simulator(
            configuration: SimulatorConfiguration(
                seed: seed, modelRouterClients: clients, dmsOrgs: orgs, twccProjects: projects,
                childWalletsPerProject: children),
            logger: Logger(label: "ledgersync-sim"))
        try await simulator.run(host: host, port: port) { bound in
            FileHandle.standardOutput.write(
                Data("ledgersync-sim serving on http://\(host):\(bound) (Ctrl-C stops)\n".utf8))
            // Scripts read this line through a pipe, where stdout is block-buffered.
        }
    }
}
