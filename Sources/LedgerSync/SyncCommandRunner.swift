import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerSources
import LedgerStore
import Logging

/// Everything `ledgersync sync` does, callable from tests without the CLI: load the config, take the writer lock,
/// open the ledger, run, release.
public enum SyncCommandRunner {
    /// What a sync invocation ended with.
    public enum Outcome: Sendable {
        case finished(SyncReport)
        case locked(SyncLock.Held)
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
    ///   - afterSync: Runs after the sync with the ledger, still holding the writer lock.
    public static func run(
        configuration: SyncConfiguration, clock: any LedgerClock = SystemClock(), capture: String? = nil,
        replay: String? = nil, progress: SyncProgress? = nil, stop: SyncStop? = nil,
        afterSync: (@Sendable (LedgerDatabase) async throws -> Void)? = nil, logger: Logger
    ) async throws -> Outcome {
        let lock: SyncLock
        do {
            lock = try SyncLock.acquire(databasePath: configuration.storePath, now: clock.now())
        } catch let held as SyncLock.Held {
            return .locked(held)
        }
        defer { lock.release() }
        let database = try LedgerDatabase.open(
            path: configuration.storePath, clock: clock, pageCacheKiB: LedgerDatabase.singlePassPageCacheKiB,
            logger: logger)
        let client = AsyncHTTPClientTransport.makeClient()
        do {
            let network = AsyncHTTPClientTransport(client: client)
            let transport: any HTTPTransport =
                try replay.map { try ReplayTransport(directory: $0) }
                ?? capture.map { try CapturingTransport(base: network, directory: $0) } ?? network
            let report = try await SyncEngine(
                configuration: configuration, store: database, transport: transport, clock: clock,
                mode: replay != nil ? .replay : capture != nil ? .capture : .online, progress: progress, stop: stop,
                logger: logger
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
}
