import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import LedgerTestSupport
import Logging
import Testing

/// Records the waits a client asks for instead of sleeping, so retry tests run instantly.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Duration] = []
    var recorded: [Duration] { lock.withLock { waits } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.lock.withLock { self.waits.append(duration) } }
    }
}

/// A simulator on a free loopback port with connectors for all three sources pointed at it.
final class SimulatorHarness: Sendable {
    let running: RunningSimulator
    let logs = LogCapture()
    let sleeps = SleepRecorder()

    init(_ configuration: SimulatorConfiguration = SimulatorConfiguration()) async throws {
        running = try await RunningSimulator(configuration)
    }

    var simulator: Simulator { running.simulator }
    var port: Int { running.port }
    var client: HTTPClient { running.client }

    func shutdown() async {
        await running.shutdown()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func http(
        _ source: String,
        limits: SourceLimits = SourceLimits(
            requestTimeout: .seconds(5), retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(10)))
    )
        -> SourceHTTPClient
    {
        SourceHTTPClient(
            source: source, transport: AsyncHTTPClientTransport(client: client), limits: limits,
            sleep: sleeps.sleep, random: { _ in 0 }, logger: logs.logger(source))
    }

    func modelRouter(
        secret: String = "sim-access-key-secret", limits: SourceLimits? = nil
    ) throws -> ModelRouterConnector {
        ModelRouterConnector(
            name: "mr", baseURL: try BaseURL(baseURL, source: "mr"), currency: try MoneyUnit("CNY"),
            accessKeyID: "sim-access-key-id", accessKeySecret: Secret(secret),
            http: limits.map { http("mr", limits: $0) } ?? http("mr"))
    }

    func dms(token: String = "sim-dms-token", asQuery: Bool = false) throws -> DMSCreditConnector {
        DMSCreditConnector(
            name: "dms", baseURL: try BaseURL(baseURL, source: "dms"), currency: try MoneyUnit("CNY"),
            authentication: asQuery
                ? .query(name: "token", value: Secret(token))
                : .header(name: "Authorization", value: Secret("Bearer \(token)")),
            http: http("dms"))
    }

    func twcc(password: String = "sim-password", apiKey: String? = nil) throws -> TWCCWalletConnector {
        TWCCWalletConnector(
            name: "twcc", baseURL: try BaseURL(baseURL, source: "twcc"),
            authentication: apiKey.map { .apiKey(key: Secret($0), host: "cluster.example") }
                ?? .token(account: "sim-user", password: Secret(password)),
            http: http("twcc"))
    }
}

/// Runs a test body against a fresh simulator, always shutting it down.
func withSimulator(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
    _ body: (SimulatorHarness) async throws -> Void
) async throws {
    let harness = try await SimulatorHarness(configuration)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}

extension FetchOutcome {
    /// The decoded value, or a recorded test issue.
    func decoded(sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
        switch self {
        case .decoded(let value, _): return value
        case .quarantined(let problem, _):
            Issue.record("quarantined: \(problem)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
