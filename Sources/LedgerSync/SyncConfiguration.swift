import LedgerCore
import LedgerSources

/// The whole sync configuration: where the store is and which source instances to read.
public struct SyncConfiguration: Sendable {
    /// The ledger: a SQLite file (relative paths resolved against the config file's directory) or a PostgreSQL
    /// database.
    public var store: StoreLocation
    /// How far in the future a gmtModified may be before it is refused as clock skew.
    public var clockSkewSeconds: Int64
    /// The configured sources, by name.
    public var sources: [SourceConfiguration]
    /// The `[[alerts]]` rules, evaluated after every sync of `serve` and by `check --alerts`.
    public var alerts: [AlertRule] = []
    /// The `[backup]` table: the backups `serve` takes; `nil` for none.
    public var backup: BackupSchedule? = nil

    /// A configuration of `sources` writing to `store`.
    public init(
        store: StoreLocation, clockSkewSeconds: Int64 = LedgerDefaults.clockSkewSeconds,
        sources: [SourceConfiguration]
    ) {
        self.store = store
        self.clockSkewSeconds = clockSkewSeconds
        self.sources = sources
    }

    /// A configuration of `sources` writing to the SQLite file at `storePath`.
    public init(
        storePath: String, clockSkewSeconds: Int64 = LedgerDefaults.clockSkewSeconds, sources: [SourceConfiguration]
    ) {
        self.init(store: .sqlite(path: storePath), clockSkewSeconds: clockSkewSeconds, sources: sources)
    }

    /// The SQLite file, for what works on a SQLite ledger only (in this build: serve, rebuild, backups); setting
    /// it makes the ledger that file.
    ///
    /// Reading it on a PostgreSQL configuration is a programming error the callers avoid with
    /// ``sqlitePath(for:file:)``; it gives the location's description, which no file is named.
    public var storePath: String {
        get {
            switch store {
            case .sqlite(let path): path
            case .postgres(let location): location.description
            }
        }
        set { store = .sqlite(path: newValue) }
    }

    /// The SQLite file, or an error saying that `command` needs one.
    /// - Parameter file: The config file, for the message.
    public func sqlitePath(for command: String, file: String) throws(ConfigError) -> String {
        switch store {
        case .sqlite(let path):
            return path
        case .postgres:
            throw ConfigError(
                file: file, key: "store.url",
                problem: "`ledgersync \(command)` works on a SQLite ledger ([store] path) in this build; a PostgreSQL "
                    + "ledger takes `sync`, `migrate` and `verify --quick`")
        }
    }
}
