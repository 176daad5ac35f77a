import Foundation
import Hummingbird
import LedgerCore
import Logging

/// The simulator of the three balance APIs, over real HTTP.
///
/// Tests start it in-process on port 0 with ``start(host:port:)``; `ledgersync-sim` runs it as a server.
/// Simulated time moves only when told: ``SimulatorWorld/advance(seconds:)`` or `POST /_sim/advance?seconds=N`.
public final class Simulator: Sendable {
    public let configuration: SimulatorConfiguration
    public let world: SimulatorWorld
    public let faults: FaultPlan
    let auth: SimulatorAuth
    let logger: Logger
    private let running = RunningServer()

    /// - Parameters:
    ///   - configuration: The world's size, seed and credentials.
    ///   - wallClock: The real clock for token expiry and x-acs-date checks.
    ///   - logger: The server's logger.
    public init(configuration: SimulatorConfiguration, wallClock: any LedgerClock = SystemClock(), logger: Logger) {
        self.configuration = configuration
        self.world = SimulatorWorld(configuration: configuration)
        self.faults = FaultPlan()
        self.auth = SimulatorAuth(configuration: configuration, wallClock: wallClock)
        self.logger = logger
    }

    /// Starts serving in the background.
    /// - Parameters:
    ///   - host: The address to bind, loopback by default.
    ///   - port: The port; 0 picks a free one.
    /// - Returns: The port bound.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                ready.continuation.yield(channel.localAddress?.port ?? 0)
                ready.continuation.finish()
            },
            logger: logger)
        let task = Task { try await app.run() }
        running.set(task)
        for await bound in ready.stream { return bound }
        task.cancel()
        _ = try await task.value
        throw CancellationError()
    }

    /// Stops a server started with ``start(host:port:)`` and waits for it to close.
    public func stop() async {
        guard let task = running.take() else { return }
        task.cancel()
        _ = try? await task.value
    }

    /// Serves until cancelled (for the `ledgersync-sim` executable).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) -> Void) async throws {
        let app = Application(
            router: makeRouter(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) }, logger: logger)
        try await app.runService()
    }
}

/// The task of a running server.
final class RunningServer: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, any Error>?
    func set(_ task: Task<Void, any Error>) { lock.withLock { self.task = task } }
    func take() -> Task<Void, any Error>? { lock.withLock { defer { task = nil }; return task } }
}
