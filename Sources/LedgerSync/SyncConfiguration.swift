import LedgerCore
import LedgerSources

/// The whole sync configuration: where the store is and which source instances to read.
public struct SyncConfiguration: Sendable {
    /// The database file, relative paths resolved against the config file's directory.
    public var storePath: String
    /// How far in the future a gmtModified may be before it is refused as clock skew.
    public var clockSkewSeconds: Int64
    /// The configured sources, by name.
    public var sources: [SourceConfiguration]
    /// The `[[alerts]]` rules, evaluated after every sync of `serve` and by `check --alerts`.
    public var alerts: [AlertRule] = []
    /// The `[backup]` table: the backups `serve` takes; `nil` for none.
    public var backup: BackupSchedule? = nil

    /// A configuration of `sources` writing to `storePath`.
    public init(
        storePath: String, clockSkewSeconds: Int64 = LedgerDefaults.clockSkewSeconds, sources: [SourceConfiguration]
    ) {
        self.storePath = storePath
        self.clockSkewSeconds = clockSkewSeconds
        self.sources = sources
    }
}
