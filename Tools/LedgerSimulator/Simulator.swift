import Foundation
import Hummingbird
import HummingbirdCore
import LedgerSources
import NIOCore
import NIOPosix
import ServiceLifecycle
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
    /// The clock of the simulator's signature-date and token checks: the wall clock, or simulated time.
    public let clock: any LedgerClock
    let auth: SimulatorAuth
    let logger: Logger
    private let running = RunningServer()

    /// - Parameters:
    ///   - configuration: The world's size, seed and credentials.
    ///   - wallClock: The real clock for token expiry and x-acs-date checks.
    ///   - logger: The server's logger.
    public convenience init(
        configuration: SimulatorConfiguration, wallClock: any LedgerClock = SystemClock(), logger: Logger
    ) {
        self.init(configuration: configuration, clock: { _ in wallClock }, logger: logger)
    }

    /// A simulator whose signature-date and token checks run on simulated time: give its ``clock`` to the sync
    /// engine, and every time in the ledger (received, recorded, observed) follows the simulated world.
    public static func onSimulatedTime(configuration: SimulatorConfiguration, logger: Logger) -> Simulator {
        Simulator(configuration: configuration, clock: { SimulatedClock(world: $0) }, logger: logger)
    }

    private init(
        configuration: SimulatorConfiguration, clock: (SimulatorWorld) -> any LedgerClock, logger: Logger
    ) {
        self.configuration = configuration
        self.world = SimulatorWorld(configuration: configuration)
        self.faults = FaultPlan()
        self.clock = clock(world)
        self.auth = SimulatorAuth(configuration: configuration, wallClock: self.clock)
        self.logger = logger
    }

    /// Starts serving in the background.
    /// - Parameters:
    ///   - host: The address to bind, loopback by default.
    ///   - port: The port; 0 picks a free one.
    /// - Returns: The port bound.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let ready = AsyncStream<Int>.makeStream()
        let server = makeServer(host: host, port: port) { bound in
            ready.continuation.yield(bound)
            ready.continuation.finish()
        }
        let task = Task { try await server.run() }
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

    /// Serves until SIGTERM or SIGINT (for the `ledgersync-sim` executable).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) -> Void) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [makeServer(host: host, port: port, onReady: onReady)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The HTTP server. It is built from HummingbirdCore's parts rather than `Application` because every answer's
    /// `Date` header must carry simulated time (the APIs' Date is the observation time of DMS and TWCC), and
    /// `Application` stamps the wall clock over whatever the router set.
    private func makeServer(host: String, port: Int, onReady: @escaping @Sendable (Int) -> Void) -> some Service {
        let responder = makeRouter().buildResponder()
        let logger = logger
        let world = world
        return Server(
            childChannelSetup: HTTP1Channel(responder: { request, writer, channel in
                let context = BasicRequestContext(
                    source: ApplicationRequestContextSource(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch let error as any HTTPResponseError {
                    response = try error.response(from: request, context: context)
                } catch {
                    response = Response(status: .internalServerError)
                }
                response.headers[.date] = HTTPDate.format(world.now)
                try await writer.write(response: response.head, body: response.body)
            }),
            configuration: ServerConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) },
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
    }
}

/// The task of a running server.
final class RunningServer: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, any Error>?
    func set(_ task: Task<Void, any Error>) { lock.withLock { self.task = task } }
    func take() -> Task<Void, any Error>? {
        lock.withLock {
            defer { task = nil }
            return task
        }
    }
}
