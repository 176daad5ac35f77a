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

    /// Checks the settings, creates or upgrades the ledger if needed, and opens its readers.
    /// - Parameters:
    ///   - configuration: The sources and the ledger.
    ///   - settings: Where to listen, how often to sync, the token.
    ///   - clock: The current time (the schedule, reports' default period).
    ///   - sleep: The scheduler's waits.
    ///   - runner: One sync; by default the engine behind the writer lock, stopped by the scheduler's signal.
    ///   - logger: Where requests, runs and failures are logged (never a secret).
    /// - Throws: ``StartError`` for an address that needs a token, ``StoreError`` for the ledger.
    public init(
        configuration: SyncConfiguration, settings: ServeSettings, clock: any LedgerClock = SystemClock(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        runner: SyncScheduler.Runner? = nil, logger: Logger
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
        // A new ledger is created and migrated here, so that the API answers before the first sync ends.
        try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger).close()
        let reader = try LedgerReader.open(path: configuration.storePath, readers: 8)
        self.reader = reader
        let sync: SyncScheduler.Runner =
            runner ?? { stop in
                switch try await SyncCommandRunner.run(
                    configuration: configuration, clock: clock, stop: stop, logger: logger)
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
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
        let reader = reader
        return ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: application),
                    .init(service: scheduler),
                    .init(service: ReaderCloser(reader: reader)),
                ],
                gracefulShutdownSignals: signals, logger: logger))
    }

    /// The scheduler, for tests and the API.
    public var syncScheduler: SyncScheduler { scheduler }
}

/// Closes the ledger's readers when the group shuts down (after the server stopped answering).
struct ReaderCloser: Service {
    let reader: LedgerReader

    func run() async throws {
        try? await gracefulShutdown()
        try? reader.close()
    }
}
