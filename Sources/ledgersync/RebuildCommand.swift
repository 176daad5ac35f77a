import ArgumentParser
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync rebuild`: re-derive the normalized tables from the stored raw responses.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Re-derive versions, conflicts and movements from the raw responses stored in the ledger.",
        discussion:
            "Takes the writer lock like sync. Exit codes: 0 done, 5 a sync holds the ledger, 2 config, 3 database.")

    @Option(name: .long, help: "The config file (for the ledger path and each source's unit).")
    var config: String = "ledgersync.toml"

    func run() async throws {
        let logger = Logger(label: "ledgersync.rebuild") { label in
            LineLogHandler(label: label, format: .text, level: .warning)
        }
        let configuration: SyncConfiguration
        do {
            configuration = try SyncConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
            _ = try configuration.sqlitePath(for: "rebuild", file: config)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        let lock: SyncLock
        do {
            lock = try SyncLock.acquire(databasePath: configuration.storePath, now: SystemClock().now())
        } catch let held as SyncLock.Held {
            throw CommandFailure(message: held.description, exitCode: .locked)
        }
        defer { lock.release() }
        let database = try LedgerDatabase.open(path: configuration.storePath, logger: logger)
        let report = try await Rebuilder(configuration: configuration, database: database, logger: logger).run()
        try database.close()
        print(
            "rebuilt \(configuration.storePath) from \(report.responses) raw responses: \(report.versions) versions, "
                + "\(report.movements) movements, \(report.gone) gone")
    }
}
