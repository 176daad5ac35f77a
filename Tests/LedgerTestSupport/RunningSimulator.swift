import AsyncHTTPClient
import LedgerCore
import LedgerSimulator
import LedgerSources
import Logging

/// The simulator on a free loopback port with an HTTP client for the connectors: what every test that talks to the
/// simulator over real HTTP starts from.
public final class RunningSimulator: Sendable {
    public let simulator: Simulator
    public let port: Int
    /// One client for every connector of the test, as the engine shares one.
    public let client: HTTPClient

    /// Starts a simulator of `configuration`.
    /// - Parameter simulatedTime: Whether its signature-date and token checks follow the simulated world (then
    ///   give ``Simulator/clock`` to the other side too).
    public init(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(), simulatedTime: Bool = false
    )
        async throws
    {
        let quiet = Logger(label: "simulator") { _ in SwiftLogNoOpLogHandler() }
        simulator =
            simulatedTime
            ? Simulator.onSimulatedTime(configuration: configuration, logger: quiet)
            : Simulator(configuration: configuration, logger: quiet)
        port = try await simulator.start()
        client = AsyncHTTPClientTransport.makeClient()
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A transport over the shared client.
    public var transport: AsyncHTTPClientTransport { AsyncHTTPClientTransport(client: client) }

    /// Stops the client and the server.
    public func shutdown() async {
        try? await client.shutdown()
        await simulator.stop()
    }

    /// Runs `body` against a fresh simulator, always shutting it down.
    public static func with<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(), simulatedTime: Bool = false,
        _ body: (RunningSimulator) async throws -> T
    ) async throws -> T {
        let running = try await RunningSimulator(configuration, simulatedTime: simulatedTime)
        do {
            let result = try await body(running)
            await running.shutdown()
            return result
        } catch {
            await running.shutdown()
            throw error
        }
    }
}
