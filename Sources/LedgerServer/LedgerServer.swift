import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore
import LedgerSync
import Logging
import ServiceLifecycle

/// `ledgersync serve`, built by ``buildApplication(configuration:environment:)``: the HTTP application (JSON API
/// under `/api/v1`, `/metrics`, the dashboard) with the scheduled sync, the alert deliveries and the ledger's readers
/// as its services, shut down together.
///
/// Reads go through a pool of read-only connections, each a consistent WAL snapshot, so they neither wait for nor
/// block the sync, which writes through its own connection behind the same writer lock as `ledgersync sync`.
/// Graceful shutdown (SIGTERM, SIGINT) stops taking requests, lets the running sync end its accounts in flight and
/// close its run `interrupted`, and closes the ledger.
public struct LedgerServer: Sendable {
    /// Why `serve` cannot start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to do.
        public var description: String
    }

    /// The application: run it (`runService()` in the CLI, `test(.router)` in route tests).
    public let application: Application<RouterResponder<ServeContext>>
    /// The scheduled sync, for tests and the demo.
    public let scheduler: SyncScheduler
}

/// What `serve` runs with besides its configuration: the clock and the waits (a test's own), the sync it runs, and
/// who is told the port once it listens.
public struct ServeEnvironment: Sendable {
    /// The current time (the schedule, reports' default period, cache ages, the rate limit, alert retries).
    public var clock: any LedgerClock
    /// The scheduler's waits.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// One sync; by default the engine behind the writer lock, stopped by the scheduler's signal, then the alert
    /// rules evaluated.
    public var runner: SyncScheduler.Runner?
    /// The wait before an alert message is sent again after a first failure (doubling).
    public var deliveryRetry: Duration
    /// The deliverer's waits for the next retry.
    public var deliverySleep: @Sendable (Duration) async throws -> Void
    /// The waits between scheduled backups.
    public var backupSleep: @Sendable (Duration) async throws -> Void
    /// Where requests, runs and failures are logged (never a secret).
    public var logger: Logger
    /// Called with the port bound, once the server listens.
    public var onReady: @Sendable (Int) -> Void

    /// The wall clock, real waits, the sync engine.
    public init(
        clock: any LedgerClock = SystemClock(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        runner: SyncScheduler.Runner? = nil, deliveryRetry: Duration = .seconds(5),
        deliverySleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        backupSleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger, onReady: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.deliverySleep = deliverySleep
        self.backupSleep = backupSleep
        self.clock = clock
        self.sleep = sleep
        self.runner = runner
        self.deliveryRetry = deliveryRetry
        self.logger = logger
        self.onReady = onReady
    }
}

/// Builds `serve` from its configuration (the sync's, and the `[serve]` table): checks the settings, creates or
/// upgrades the ledger if needed, opens its readers, and wires the controllers, the scheduler and the deliverer.
/// - Throws: ``LedgerServer/StartError`` for an address that needs a token, ``StoreError`` for the ledger.
public func buildApplication(
    configuration serveConfiguration: ServeConfiguration, environment: ServeEnvironment
) throws -> LedgerServer {
    let configuration = serveConfiguration.sync
    let settings = serveConfiguration.serve
    guard settings.isLoopback || settings.token != nil else {
        throw LedgerServer.StartError(
            description: "listening on \(settings.host) would expose the ledger beyond this machine: "
                + "give a bearer token with --token-env NAME (or [serve] token_env), or listen on 127.0.0.1")
    }
    let clock = environment.clock
    let logger = environment.logger
    let templates = try DashboardTemplates()
    // A new ledger is created and migrated here, so that the API answers before the first sync ends.
    try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger).close()
    let reader = try LedgerReader.open(path: configuration.storePath, readers: 8)
    let boundPort = BoundPort()
    let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
    let deliverer = AlertDeliverer(
        database: { try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger) },
        reader: reader, webhooks: configuration.alerts.flatMap(\.webhooks), clock: clock,
        sleep: environment.deliverySleep, link: { "http://\(host):\(boundPort.value)" },
        retryBase: environment.deliveryRetry, logger: logger)
    let scheduler = SyncScheduler(
        every: settings.syncEvery, clock: clock, sleep: environment.sleep,
        lastRunStartedAt: { (try? reader.runs(page: PageRequest(limit: 1)))?.rows.first?.startedAt },
        runner: environment.runner
            ?? ScheduledSync(configuration: configuration, clock: clock, deliverer: deliverer, logger: logger).run,
        logger: logger)
    let backups = configuration.backup.map { schedule in
        ScheduledBackups(
            schedule: schedule, storePath: configuration.storePath, reader: reader, clock: clock,
            sleep: environment.backupSleep, logger: logger)
    }
    let token = settings.token.map(BearerToken.init)
    let router = buildRouter(
        token: token,
        rateLimit: RateBuckets(
            rate: settings.requestsPerSecond, burst: settings.requestsPerSecond * 2, clock: clock),
        controllers: { routes in
            ListController(reader: reader, cache: StampedCache()).addRoutes(to: routes)
            ReconciliationController(reader: reader, clock: clock).addRoutes(to: routes)
            SyncController(
                scheduler: scheduler, reader: reader, clock: clock, syncEvery: settings.syncEvery,
                backup: configuration.backup, hasToken: token != nil
            ).addRoutes(to: routes)
            MetricsController(
                reader: reader, scheduler: scheduler, clock: clock, accountLimit: settings.metricsAccountLimit,
                cache: TimedCache(maximumAge: .seconds(5), clock: clock)
            ).addRoutes(to: routes)
            DashboardController(
                reader: reader, scheduler: scheduler, templates: templates, clock: clock, logger: logger,
                overviewCache: TimedCache(maximumAge: .seconds(5), clock: clock), syncEvery: settings.syncEvery,
                canSync: token != nil, backup: configuration.backup
            ).addRoutes(to: routes)
            SignInController(token: token, templates: templates, clock: clock, logger: logger).addRoutes(to: routes)
        })
    let onReady = environment.onReady
    let application = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        // Shut down last to first, after the server stops taking requests: the sync ends its run, then the
        // backup schedule stops (a backup being written finishes first), deliveries stop, and the readers close last.
        services: [ReaderCloser(reader: reader), deliverer] + (backups.map { [$0] as [any Service] } ?? []) + [
            scheduler
        ],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            boundPort.set(port)
            onReady(port)
        },
        logger: logger)
    return LedgerServer(application: application, scheduler: scheduler)
}

/// The router: access and request limits first, then every controller's routes, each registered once. The 405
/// `Allow` lists and the pages that ask a browser to sign in come from that registration.
func buildRouter(
    token: BearerToken?, rateLimit: RateBuckets, controllers: (RouteTable) -> Void
) -> Router<ServeContext> {
    let routes = RouteTable()
    routes.get("/healthz") { _, _ in JSONResponse.make(text: "{\"ok\":true}") }
    controllers(routes)
    let router = Router(context: ServeContext.self)
    router.add(middleware: AccessMiddleware(token: token, routes: routes.map))
    router.add(middleware: RequestLimitMiddleware(buckets: rateLimit))
    routes.register(on: router)
    return router
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
