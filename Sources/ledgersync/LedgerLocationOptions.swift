import ArgumentParser
import Foundation
import LedgerSources
import LedgerSync

/// Where the ledger is, for the commands that only read or migrate it: `--db`, or the `[store] path` of
/// `--config`, or of `./ledgersync.toml` when neither is given.
struct LedgerLocationOptions: ParsableArguments {
    @Option(name: .long, help: "The database file (default: the [store] path of --config or ./ledgersync.toml).")
    var db: String?

    @Option(name: .long, help: "A config file whose [store] path is the ledger (default ./ledgersync.toml).")
    var config: String?

    /// The ledger's path.
    /// - Throws: ``CommandFailure`` (usage) when the config cannot be read, when `--db` and the config disagree,
    ///   or when neither names a ledger.
    func path() throws -> String {
        let configPath = config ?? (db == nil ? "ledgersync.toml" : nil)
        guard let configPath else { return db! }
        if config == nil, !FileManager.default.fileExists(atPath: configPath) {
            throw CommandFailure(
                message: "no ledger given: pass --db FILE or --config FILE, or run where ledgersync.toml is "
                    + "(`ledgersync init` writes one)",
                exitCode: .usage)
        }
        let fromConfig: String
        do {
            fromConfig = try SyncConfiguration.storePath(configFile: configPath)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        if let db, Self.canonical(db) != Self.canonical(fromConfig) {
            throw CommandFailure(
                message: "--db \(db) and \(configPath)'s [store] path \(fromConfig) are different ledgers; give one",
                exitCode: .usage)
        }
        return fromConfig
    }

    /// The configuration named by `--config` (or `./ledgersync.toml` when no `--db` is given), for the sources'
    /// units; `nil` when the ledger was named by `--db` alone.
    /// - Throws: ``CommandFailure`` (usage) when that file cannot be read.
    func syncConfiguration() throws -> SyncConfiguration? {
        guard let configPath = config ?? (db == nil ? "ledgersync.toml" : nil) else { return nil }
        do {
            return try SyncConfiguration.load(path: configPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
