import LedgerCore

/// A ModelRouter source's keys: `clients` (or `clients_file`) and the AccessKey pair's environment variables.
public struct ModelRouterSettings: SourceSettings {
    public static let keys = ["clients", "clients_file", "access_key_id_env", "access_key_secret_env"]
    public static let defaultUnit = MoneyUnit.yuan
    public static let listing = AccountListing.available(byDefault: true)

    /// The accounts the table names, each once.
    public let accounts: AccountList
    /// The AccessKey id (not a secret by itself, but never logged beside its secret).
    public let accessKeyID: String
    /// The AccessKey secret.
    public let accessKeySecret: Secret

    /// Reads the table; see ``SourceSettings/init(reading:discover:)``.
    public init(reading table: some SourceSettingsReader, discover: Bool) throws(ConfigError) {
        accounts = AccountList(modelRouterClients: try table.ids("clients"))
        if accounts.isEmpty, !discover { throw table.noAccounts("clients") }
        accessKeyID = try table.secret("access_key_id_env").reveal()
        accessKeySecret = try table.secret("access_key_secret_env")
    }

    public func connector(
        for source: SourceConfiguration, http: SourceHTTPClient, clock: any LedgerClock
    )
        -> any SourceConnector
    {
        var connector = ModelRouterConnector(
            name: source.name, baseURL: source.baseURL, currency: source.unit, accessKeyID: accessKeyID,
            accessKeySecret: accessKeySecret, http: http, clock: clock)
        connector.discoversClients = source.discover
        return connector
    }
}
