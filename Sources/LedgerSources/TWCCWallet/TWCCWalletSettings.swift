import LedgerCore

/// A TWCC wallet source's keys: `wallets` (`PRJ_SYS_CODE/WALLET_CODE`), `projects` whose wallets are listed, and a
/// token login or an API-gateway key.
public struct TWCCWalletSettings: SourceSettings {
    public static let keys = [
        "wallets", "wallets_file", "projects", "projects_file", "account_env", "password_env",
        "api_key_env", "api_host", "token_path",
    ]
    public static let defaultUnit = MoneyUnit.serviceUnits
    public static let listing = AccountListing.available(byDefault: true)

    /// The accounts the table names, each once.
    public let accounts: AccountList
    /// The projects whose wallets are listed when the source discovers.
    public let projects: [String]
    /// How requests authenticate.
    public let authentication: TWCCAuthentication

    /// Reads the table; see ``SourceSettings/init(reading:discover:)``.
    public init(reading table: some SourceSettingsReader, discover: Bool) throws(ConfigError) {
        var wallets: [AccountKey] = []
        for (text, place) in try table.strings("wallets") {
            guard let key = AccountKey(text, kind: .twccWallet) else {
                throw table.error(
                    place == nil ? "wallets" : "wallets_file",
                    (place.map { "\($0): " } ?? "") + "\"\(text)\" is not PRJ_SYS_CODE/WALLET_CODE")
            }
            wallets.append(key)
        }
        accounts = AccountList(wallets)
        projects = try table.strings("projects").map(\.text).uniqued()
        if accounts.isEmpty, !discover || projects.isEmpty { throw table.noAccounts("wallets", hint: " with projects") }
        if try table.optionalString("api_key_env") != nil {
            authentication = .apiKey(
                key: try table.secret("api_key_env"), host: try table.optionalString("api_host") ?? "")
        } else {
            authentication = .token(
                account: try table.secret("account_env").reveal(), password: try table.secret("password_env"),
                tokenPath: try table.optionalString("token_path") ?? "/api/token")
        }
    }

    public func connector(
        for source: SourceConfiguration, http: SourceHTTPClient, clock: any LedgerClock
    )
        -> any SourceConnector
    {
        var connector = TWCCWalletConnector(
            name: source.name, baseURL: source.baseURL, authentication: authentication, http: http, clock: clock)
        connector.discoveryProjects = source.discover ? projects : []
        return connector
    }
}
