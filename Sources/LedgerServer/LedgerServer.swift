import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore
import LedgerSync
import Logging
import ServiceLifecycle
import UnixSignals

/// `ledgersync serve`: the scheduled sync, the read-only JSON API under `/api/v1`, and `/metrics`, one process.
///
/// Reads go through a pool of read-only connections, each a consistent WAL snapshot, so they neither wait for nor
/// block the sync, which writes through its own connection behind the same writer lock as `ledgersync sync`.
/// Graceful shutdown (SIGTERM, SIGINT) stops taking requests, lets the running sync end its accounts in flight and
/// close its run `interrupted`, and closes the ledger.
public final class LedgerServer: Sendable {
    /// Why `serve` cannot start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to do.
        public var description: String
    }

    let configuration: SyncConfiguration
    let settings: ServeSettings
    let reader: LedgerReader
    let scheduler: SyncScheduler
    let token: BearerToken?
    let clock: any LedgerClock
    let logger: Logger
    let deliverer: AlertDeliverer
    let buckets: RateBuckets
    let metricsCache: ReadCache<String>
    let overviewCache: ReadCache<OverviewSummary>
    let listCache = StampedCache()
    let templates: DashboardTemplates
    private let boundPort = BoundPort()

    /// Checks the settings, creates or upgrades the ledger if needed, and opens its readers.
    /// - Parameters:
    ///   - configuration: The sources and the ledger.
    ///   - settings: Where to listen, how often to sync, the token.
    ///   - clock: The current time (the schedule, reports' default period).
    ///   - sleep: The scheduler's waits.
    ///   - runner: One sync; by default the engine behind the writer lock, stopped by the scheduler's signal, then
    ///     the alert rules evaluated.
    ///   - deliveryRetry: The wait before an alert message is sent again after a first failure (doubling).
    ///   - logger: Where requests, runs and failures are logged (never a secret).
    /// - Throws: ``StartError`` for an address that needs a token, ``StoreError`` for the ledger.
    public init(
        configuration: SyncConfiguration, settings: ServeSettings, clock: any LedgerClock = SystemClock(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        runner: SyncScheduler.Runner? = nil, deliveryRetry: Duration = .seconds(5), logger: Logger
    ) throws {
        guard settings.isLoopback || settings.token != nil else {
            throw StartError(
                description: "listening on \(settings.host) would expose the ledger beyond this machine: "
                    + "give a bearer token with --token-env NAME (or [serve] token_env), or listen on 127.0.0.1")
        }
        self.configuration = configuration
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.token = settings.token.map(BearerToken.init)
        self.buckets = RateBuckets(rate: settings.requestsPerSecond, burst: settings.requestsPerSecond * 2)
        self.metricsCache = ReadCache(maximumAge: .seconds(5), clock: clock)
        self.overviewCache = ReadCache(maximumAge: .seconds(5), clock: clock)
        self.templates = try DashboardTemplates()
        // A new ledger is created and migrated here, so that the API answers before the first sync ends.
        try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger).close()
        let reader = try LedgerReader.open(path: configuration.storePath, readers: 8)
        self.reader = reader
        let boundPort = boundPort
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        let deliverer = AlertDeliverer(
            database: { try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger) },
            reader: reader, webhooks: configuration.alerts.flatMap(\.webhooks), clock: clock,
            link: { "http://\(host):\(boundPort.value)" }, retryBase: deliveryRetry, logger: logger)
        self.deliverer = deliverer
        let rules = configuration.alerts
        let evaluate: @Sendable (LedgerDatabase) async throws -> Void = { database in
            guard !rules.isEmpty else { return }
            let firings = try AlertEvaluator.firings(rules, reader: LedgerReader(database), now: clock.now())
            let changes = try await database.transaction { tx in
                try tx.recordAlerts(firings, rules: rules.map { ($0.name, $0.webhooks.map(\.id)) })
            }
            if !changes.fired.isEmpty || !changes.resolved.isEmpty {
                logger.notice(
                    "alerts changed",
                    metadata: ["fired": "\(changes.fired.count)", "resolved": "\(changes.resolved.count)"])
                await deliverer.wake()
            }
        }
        let sync: SyncScheduler.Runner =
            runner ?? { stop in
                switch try await SyncCommandRunner.run(
                    configuration: configuration, clock: clock, stop: stop, afterSync: evaluate, logger: logger)
                {
                case .finished(let report): return report.status
                case .locked: return nil
                }
            }
        scheduler = SyncScheduler(
            every: settings.syncEvery, clock: clock, sleep: sleep,
            lastRunStartedAt: {
                (try? reader.runs(page: PageRequest(limit: 1)))?.rows.first?.startedAt
            },
            runner: sync, logger: logger)
    }

    /// The server and the scheduler as one service group.
    /// - Parameters:
    ///   - signals: The signals that shut it down gracefully (SIGTERM and SIGINT in the CLI; none in tests, which
    ///     call `triggerGracefulShutdown`).
    ///   - onReady: Called with the port bound, once the server listens.
    public func serviceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint], onReady: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> ServiceGroup {
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { [boundPort] channel in
                let port = channel.localAddress?.port ?? 0
                boundPort.set(port)
                onReady(port)
            },
            logger: logger)
        let reader = reader
        return ServiceGroup(
            configuration: .init(
                // Shut down last to first: the server stops taking requests, then the sync ends its run, then
                // deliveries stop, and the readers close last.
                services: [
                    .init(service: ReaderCloser(reader: reader)),
                    .init(service: deliverer),
                    .init(service: scheduler),
                    .init(service: application),
                ],
                gracefulShutdownSignals: signals, logger: logger))
    }

    /// The scheduler, for tests and the API.
    public var syncScheduler: SyncScheduler { scheduler }
}

/// The port the server bound (known once it listens; links in alert messages use it).
final class BoundPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    var value: Int { lock.withLock { port } }
    func set(_ value: Int) { lock.withLock { port = value } }
}

/// Closes the ledger's readers when the group shuts down (after the server stopped answering).
struct ReaderCloser: Service {
    let reader: LedgerReader

    func run() async throws {
        try? await gracefulShutdown()
        try? reader.close()
    }
}
