import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSources
import LedgerStore
import Logging

/// Everything `ledgersync sync` does, callable from tests without the CLI: load the config, take the writer lock,
/// open the ledger, run, release.
public enum SyncCommandRunner {
    /// What a sync invocation ended with.
    public enum Outcome: Sendable {
        case finished(SyncReport)
        /// Another sync holds the SQLite ledger's lock.
        case locked(SyncLock.Held)
        /// Another sync holds the lock of one of the configured sources in a PostgreSQL ledger.
        case sourceLocked(PostgresSourceLock.Held)
    }

    /// Runs one sync from a config file.
    /// - Parameters:
    ///   - configPath: The TOML file.
    ///   - environment: Where secrets named by `*_env` keys are found.
    ///   - logger: Where progress goes.
    /// - Throws: ``ConfigError`` for the config, ``StoreError`` for the ledger.
    public static func run(
        configPath: String, environment: [String: String], capture: String? = nil, replay: String? = nil,
        progress: SyncProgress? = nil, logger: Logger
    ) async throws -> Outcome {
        let configuration = try SyncConfiguration.load(path: configPath, environment: environment)
        return try await run(
            configuration: configuration, capture: capture, replay: replay, progress: progress, logger: logger)
    }

    /// Runs one sync with a loaded configuration.
    /// - Parameters:
    ///   - capture: Also write every response to this directory.
    ///   - replay: Answer every request from this capture directory instead of the network.
    ///   - stop: Ends the run early when raised (``SyncStop``).
    ///   - afterSync: Runs after the sync with the ledger, still holding the writer lock (a SQLite ledger's; serve
    ///     runs on SQLite only in this build).
    public static func run(
        configuration: SyncConfiguration, clock: any LedgerClock = SystemClock(), capture: String? = nil,
        replay: String? = nil, progress: SyncProgress? = nil, stop: SyncStop? = nil,
        afterSync: (@Sendable (LedgerDatabase) async throws -> Void)? = nil, logger: Logger
    ) async throws -> Outcome {
        let path: String
        switch configuration.store {
        case .sqlite(let file):
            path = file
        case .postgres(let location):
            return try await runShared(
                configuration: configuration, location: location, clock: clock, capture: capture, replay: replay,
                progress: progress, stop: stop, logger: logger)
        }
        let lock: SyncLock
        do {
            lock = try SyncLock.acquire(databasePath: path, now: clock.now())
        } catch let held as SyncLock.Held {
            return .locked(held)
        }
        defer { lock.release() }
        let database = try LedgerDatabase.open(
            path: path, clock: clock, pageCacheKiB: LedgerDatabase.singlePassPageCacheKiB, logger: logger)
        let client = AsyncHTTPClientTransport.makeClient()
        do {
            let report = try await SyncEngine(
                configuration: configuration, store: database,
                transport: try transport(client: client, capture: capture, replay: replay), clock: clock,
                mode: mode(capture: capture, replay: replay), progress: progress, stop: stop, logger: logger
            ).run()
            // Still under the writer lock: what follows a sync (serve's alert evaluation) sees exactly its result.
            try await afterSync?(database)
            try await client.shutdown()
            try database.close()
            return .finished(report)
        } catch {
            try? await client.shutdown()
            try? database.close()
            throw error
        }
    }

    /// A sync into a PostgreSQL ledger: the lock of each configured source (so syncers of other sources, on other
    /// machines, write at once), then the same engine over the PostgreSQL store.
    private static func runShared(
        configuration: SyncConfiguration, location: PostgresLocation, clock: any LedgerClock, capture: String?,
        replay: String?, progress: SyncProgress?, stop: SyncStop?, logger: Logger
    ) async throws -> Outcome {
        let ledger = try await PostgresLedger.open(location: location, clock: clock, logger: logger)
        var locks: [PostgresSourceLock] = []
        let client = AsyncHTTPClientTransport.makeClient()
        do {
            for source in configuration.sources {
                locks.append(try await ledger.lockSource(name: source.name, kind: source.kind))
            }
            let report = try await SyncEngine(
                configuration: configuration, store: ledger,
                transport: try transport(client: client, capture: capture, replay: replay), clock: clock,
                mode: mode(capture: capture, replay: replay), progress: progress, stop: stop, logger: logger
            ).run()
            for lock in locks { await lock.release() }
            try await client.shutdown()
            await ledger.close()
            return .finished(report)
        } catch {
            for lock in locks { await lock.release() }
            try? await client.shutdown()
            await ledger.close()
            if let held = error as? PostgresSourceLock.Held { return .sourceLocked(held) }
            throw error
        }
    }

    private static func transport(client: HTTPClient, capture: String?, replay: String?) throws -> any HTTPTransport {
        let network = AsyncHTTPClientTransport(client: client)
        return try replay.map { try ReplayTransport(directory: $0) }
            ?? capture.map { try CapturingTransport(base: network, directory: $0) } ?? network
    }

    private static func mode(capture: String?, replay: String?) -> RunMode {
        replay != nil ? .replay : capture != nil ? .capture : .online
    }
}
