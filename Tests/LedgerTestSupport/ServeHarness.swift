import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerServer
import LedgerSimulator
import LedgerSources
import LedgerStore
import LedgerSync
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A simulator, a ledger, and `serve` on a free loopback port over them, in-process.
public final class ServeHarness: Sendable {
    public static let environment = [
        "MR_AK": "sim-access-key-id", "MR_SK": "sim-access-key-secret", "DMS_TOKEN": "sim-dms-token",
        "TWCC_ACCOUNT": "sim-user", "TWCC_PASSWORD": "sim-password", "SERVE_TOKEN": "serve-token-3f9c2a",
    ]
    /// Every secret the server was given: none may appear in any answer, log or metric.
    public static let secrets = ["sim-access-key-secret", "sim-dms-token", "sim-password", "serve-token-3f9c2a"]

    public let simulator: RunningSimulator
    public let directory: TemporaryDirectory
    public let configuration: ServeConfiguration
    public let server: LedgerServer
    public let group: ServiceGroup
    public let port: Int
    public let logs: LogCapture
    private let task: Task<Void, any Error>

    /// - Parameters:
    ///   - serve: The `[serve]` table's lines.
    ///   - sleep: The scheduler's waits (a test's controlled sleep, or a real one).
    ///   - runner: Replaces the sync (to hold one running).
    ///   - extra: More config text (such as `[[alerts]]` tables).
    ///   - reusing: A stopped harness whose simulator and ledger this one takes over (a restart).
    public init(
        _ simulatorConfiguration: SimulatorConfiguration = SimulatorConfiguration(changePercent: 100),
        serve: String = "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"",
        sleep: (@Sendable (Duration) async throws -> Void)? = nil, runner: SyncScheduler.Runner? = nil,
        extra: String = "", environment: [String: String] = ServeHarness.environment,
        reusing previous: ServeHarness? = nil
    ) async throws {
        if let previous {
            simulator = previous.simulator
            directory = previous.directory
        } else {
            simulator = try await RunningSimulator(simulatorConfiguration)
            directory = try TemporaryDirectory()
        }
        do {
            (configuration, server, group, task, port, logs) = try await Self.start(
                simulator: simulator, directory: directory, serve: serve, sleep: sleep, runner: runner, extra: extra,
                environment: environment)
        } catch {
            // A harness that did not start stops what it started, so that no client is left running.
            if previous == nil { await simulator.shutdown() }
            throw error
        }
    }

    private static func start(
        simulator: RunningSimulator, directory: TemporaryDirectory, serve: String,
        sleep: (@Sendable (Duration) async throws -> Void)?, runner: SyncScheduler.Runner?, extra: String,
        environment: [String: String]
    ) async throws -> (ServeConfiguration, LedgerServer, ServiceGroup, Task<Void, any Error>, Int, LogCapture) {
        let text = """
            [store]
            path = "ledger.sqlite"

            [serve]
            \(serve)

            [sources.mr]
            kind = "modelrouter"
            base_url = "\(simulator.baseURL)"
            access_key_id_env = "MR_AK"
            access_key_secret_env = "MR_SK"

            [sources.dms]
            kind = "dms_credit"
            base_url = "\(simulator.baseURL)"
            orgs = [101, 102, 103]
            token_env = "DMS_TOKEN"

            [sources.twcc]
            kind = "twcc_wallet"
            base_url = "\(simulator.baseURL)"
            projects = ["MST000001"]
            account_env = "TWCC_ACCOUNT"
            password_env = "TWCC_PASSWORD"

            \(extra)
            """
        let configuration = try ServeConfiguration.parse(
            text, file: "serve.toml", directory: directory.path, environment: environment)
        let logs = LogCapture()
        let logger = logs.logger("serve-test")
        let ready = AsyncStream<Int>.makeStream()
        let server = try buildApplication(
            configuration: configuration,
            environment: ServeEnvironment(
                sleep: sleep ?? { try await Task.sleep(for: $0) }, runner: runner, deliveryRetry: .milliseconds(50),
                logger: logger
            ) { port in
                ready.continuation.yield(port)
                ready.continuation.finish()
            })
        let group = ServiceGroup(services: [server.application], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var bound = 0
        for await value in ready.stream { bound = value }
        return (configuration, server, group, task, bound, logs)
    }

    public var databasePath: String { configuration.sync.storePath }

    /// One request; the status, the body and the headers.
    public func request(
        _ path: String, method: HTTPMethod = .GET, token: String? = nil
    ) async throws
        -> (status: Int, body: String, headers: [(String, String)])
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await simulator.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (
            Int(response.status.code), String(buffer: body),
            response.headers.map { ($0.name.lowercased(), $0.value) }
        )
    }

    /// Waits until `condition` holds (``LedgerTestSupport/eventually(seconds:_:)``).
    public func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        try await LedgerTestSupport.eventually(seconds: seconds, condition)
    }

    /// A count from the ledger (a read-only connection of the test's own).
    public func count(_ sql: String) throws -> Int {
        let reader = try LedgerReader.open(path: databasePath)
        defer { try? reader.close() }
        guard case .integer(let value)? = try reader.sql(sql).rows.first?.first else { return -1 }
        return Int(value)
    }

    public func shutdown() async {
        await stopServer()
        await simulator.shutdown()
    }

    /// Stops the server only (the simulator and the ledger stay, for a restart).
    public func stopServer() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    public static func with(
        _ simulatorConfiguration: SimulatorConfiguration = SimulatorConfiguration(changePercent: 100),
        serve: String = "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"",
        sleep: (@Sendable (Duration) async throws -> Void)? = nil, runner: SyncScheduler.Runner? = nil,
        extra: String = "", _ body: (ServeHarness) async throws -> Void
    ) async throws {
        let harness = try await ServeHarness(
            simulatorConfiguration, serve: serve, sleep: sleep, runner: runner, extra: extra)
        do { try await body(harness) } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }
}
