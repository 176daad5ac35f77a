import LedgerCore

/// A DMS credit source's keys: `orgs` (or `orgs_file`) of one `org_type`, and how the token is sent.
public struct DMSCreditSettings: SourceSettings {
    public static let keys = [
        "orgs", "orgs_file", "org_type", "token_env", "token_header", "token_prefix", "token_query",
    ]
    public static let defaultUnit = MoneyUnit.yuan
    public static let listing = AccountListing.unavailable(
        reason: "the DMS credit API has no account list; name customers in orgs")

    /// The accounts the table names, each once.
    public let accounts: AccountList
    /// How requests authenticate.
    public let authentication: DMSAuthentication

    /// Reads the table; see ``SourceSettings/init(reading:discover:)``.
    public init(reading table: some SourceSettingsReader, discover: Bool) throws(ConfigError) {
        let orgType = Int64(try table.optionalInt("org_type", range: 0...1_000_000) ?? 2)
        accounts = AccountList(dmsOrgs: try table.ids("orgs"), orgType: orgType)
        if accounts.isEmpty { throw table.noAccounts("orgs") }
        if try table.optionalString("token_env") == nil {
            authentication = .none
        } else if let query = try table.optionalString("token_query") {
            authentication = .query(name: query, value: try table.secret("token_env"))
        } else {
            let header = try table.optionalString("token_header") ?? "Authorization"
            let prefix =
                try table.optionalString("token_prefix")
                ?? (header.lowercased() == "authorization" ? "Bearer " : "")
            authentication = .header(name: header, value: Secret(prefix + (try table.secret("token_env")).reveal()))
        }
    }

    public func connector(
        for source: SourceConfiguration, http: SourceHTTPClient, clock: any LedgerClock
    )
        -> any SourceConnector
    {
        DMSCreditConnector(
            name: source.name, baseURL: source.baseURL, currency: source.unit, authentication: authentication,
            http: http)
    }
}
