import LedgerCore

/// A source kind's own configuration keys, read from its `[sources.NAME]` table, and the connector they make.
///
/// The keys every source shares (`kind`, `base_url`, `unit`, `discover`, limits) are read by the configuration
/// reader; each kind's folder holds the type that reads the rest, registered through its connector's
/// ``SourceConnector/settingsType``.
public protocol SourceSettings: Sendable {
    /// The keys the kind adds to the shared ones.
    static var keys: [String] { get }
    /// The unit of plain amounts when the table names none.
    static var defaultUnit: MoneyUnit { get }
    /// Whether the kind can list its accounts, and whether it does when `discover` is not set.
    static var listing: AccountListing { get }

    /// Reads the kind's keys.
    /// - Parameters:
    ///   - table: The source's table.
    ///   - discover: Whether the source lists its accounts, so that naming none is fine.
    /// - Throws: ``ConfigError`` naming the key.
    init(reading table: some SourceSettingsReader, discover: Bool) throws(ConfigError)

    /// The accounts the table names.
    var accounts: AccountList { get }

    /// The connector of `source`, whose settings these are.
    func connector(
        for source: SourceConfiguration, http: SourceHTTPClient, clock: any LedgerClock
    )
        -> any SourceConnector
}

/// Whether a source kind can list its accounts.
public enum AccountListing: Sendable, Equatable {
    /// It lists them; `byDefault` when `discover` is not set.
    case available(byDefault: Bool)
    /// It cannot: the reason, for the error when `discover = true`.
    case unavailable(reason: String)
}

/// Typed reads of one source table, with errors that name the file and the dotted key.
public protocol SourceSettingsReader {
    /// The string at `key`, if set.
    func optionalString(_ key: String) throws(ConfigError) -> String?
    /// The integer at `key`, if set, within `range`.
    func optionalInt(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int?
    /// Non-negative integer ids from `key` and from the list file named by `key_file`.
    func ids(_ key: String) throws(ConfigError) -> [Int64]
    /// Texts from `key` and from the list file named by `key_file`, with the file line of each that came from it.
    func strings(_ key: String) throws(ConfigError) -> [(text: String, place: String?)]
    /// The secret in the environment variable (or secrets-file entry) that `key` names.
    func secret(_ key: String) throws(ConfigError) -> Secret
    /// An error about `key` of this table.
    func error(_ key: String, _ problem: String) -> ConfigError
}

extension SourceSettingsReader {
    /// The error when a source names no account and does not list them.
    public func noAccounts(_ key: String, hint: String = "") -> ConfigError {
        error(
            key,
            "no account to read: list some (here or in a file named by the _file key), or set discover = true" + hint)
    }
}
