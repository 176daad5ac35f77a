import ArgumentParser
import Foundation
import LedgerSources
import LedgerSync

/// Where the ledger is, for the commands that only read or migrate it: `--db` (a SQLite file), `--store-url` (a
/// PostgreSQL database), or the `[store]` of `--config`, or of `./ledgersync.toml` when none is given.
struct LedgerLocationOptions: ParsableArguments {
    @Option(name: .long, help: "The database file (default: the [store] path of --config or ./ledgersync.toml).")
    var db: String?

    @Option(
        name: .customLong("store-url"),
        help: ArgumentHelp(
            "A PostgreSQL ledger: postgresql://user@host:5432/database (libpq's sslmode and sslrootcert as query "
                + "parameters; the password from PGPASSWORD).",
            valueName: "url"))
    var storeURL: String?

    @Option(name: .long, help: "A config file whose [store] names the ledger (default ./ledgersync.toml).")
    var config: String?

    /// The ledger, as a SQLite path: what the commands that work on a SQLite ledger only take (in this build all
    /// but `sync`, `migrate`, `verify --quick`, `query`, `export` and `check`).
    /// - Throws: ``CommandFailure`` (usage), as ``location()``, and for a PostgreSQL ledger.
    func path() throws -> String {
        switch try location() {
        case .sqlite(let path):
            return path
        case .postgres(let location):
            throw CommandFailure(
                message:
                    "\(location) is a PostgreSQL ledger; in this build `sync`, `migrate` (and `migrate --status`), "
                    + "`verify --quick`, `query` (the lists and `query sql`), `export` and `check` work on one; this "
                    + "command needs a SQLite ledger (--db)",
                exitCode: .usage)
        }
    }

    /// The ledger.
    /// - Throws: ``CommandFailure`` (usage) when the config cannot be read, when two options name different
    ///   ledgers, or when none names one.
    func location() throws -> StoreLocation {
        let environment = ProcessInfo.processInfo.environment
        if db != nil, storeURL != nil {
            throw CommandFailure(message: "--db and --store-url name two ledgers; give one", exitCode: .usage)
        }
        let given: StoreLocation?
        do {
            given =
                try storeURL.map { url throws(ConfigError) in
                    try StoreLocation.postgres(url: url, secrets: environment, file: "--store-url", key: "")
                } ?? db.map { StoreLocation.sqlite(path: $0) }
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        let configPath = config ?? (given == nil ? "ledgersync.toml" : nil)
        guard let configPath else { return given! }
        if config == nil, !FileManager.default.fileExists(atPath: configPath) {
            throw CommandFailure(
                message: "no ledger given: pass --db FILE, --store-url URL or --config FILE, or run where "
                    + "ledgersync.toml is (`ledgersync init` writes one)",
                exitCode: .usage)
        }
        let fromConfig: StoreLocation
        do {
            fromConfig = try SyncConfiguration.storeLocation(configFile: configPath, environment: environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        if let given, Self.canonical(given) != Self.canonical(fromConfig) {
            throw CommandFailure(
                message: "\(given) and \(configPath)'s [store] \(fromConfig) are different ledgers; give one",
                exitCode: .usage)
        }
        return fromConfig
    }

    /// The configuration named by `--config` (or `./ledgersync.toml` when no ledger option is given), for the
    /// sources' units; `nil` when the ledger was named by an option alone.
    /// - Throws: ``CommandFailure`` (usage) when that file cannot be read.
    func syncConfiguration() throws -> SyncConfiguration? {
        guard let configPath = config ?? (db == nil && storeURL == nil ? "ledgersync.toml" : nil) else { return nil }
        do {
            return try SyncConfiguration.load(path: configPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
    }

    /// A ledger's identity for comparing two names of it: a file's resolved path, a database's URL.
    private static func canonical(_ location: StoreLocation) -> String {
        switch location {
        case .sqlite(let path): URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        case .postgres(let location): location.description
        }
    }
}
