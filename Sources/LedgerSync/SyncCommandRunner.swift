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
    public static func run(configPath: String, environment: [String: String], logger: Logger) async throws -> Outcome {
        let configuration = try SyncConfiguration.load(path: configPath, environment: environment)
        return try await run(configuration: configuration, logger: logger)
    }

    /// Runs one sync with a loaded configuration.
    public static func run(configuration: SyncConfiguration, clock: any LedgerClock = SystemClock(), logger: Logger)
        async throws -> Outcome
    {
        let lock: SyncLock
        do {
            lock = try SyncLock.acquire(databasePath: configuration.storePath, now: clock.now())
        } catch let held as SyncLock.Held {
            return .locked(held)
        }
        defer { lock.release() }
        let database = try LedgerDatabase.open(path: configuration.storePath, clock: clock, logger: logger)
        let client = AsyncHTTPClientTransport.makeClient()
        do {
            let report = try await SyncEngine(
                configuration: configuration, database: database, transport: AsyncHTTPClientTransport(client: client),
                clock: clock, logger: logger
            ).run()
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
