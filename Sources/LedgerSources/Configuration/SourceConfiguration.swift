import LedgerCore

/// One configured source instance (a `[sources.NAME]` table): the keys every source has, and its kind's settings.
public struct SourceConfiguration: Sendable {
    /// The instance's name, the `NAME` of `[sources.NAME]`.
    public var name: String
    /// Which API it is.
    public var kind: SourceKind
    /// Where the API answers.
    public var baseURL: BaseURL
    /// The unit of plain amounts (ModelRouter `amount` balances, DMS figures); TWCC is always SU.
    public var unit: MoneyUnit
    /// List accounts from the API where the kind can (ModelRouter clients, TWCC project wallets).
    public var discover: Bool
    /// The kind's own keys: the accounts it names and its credentials.
    public var settings: any SourceSettings
    /// Request limits and retries.
    public var limits: SourceLimits

    /// A configured source; `settings` must be of the kind's ``SourceSettings`` type.
    public init(
        name: String, kind: SourceKind, baseURL: BaseURL, unit: MoneyUnit, discover: Bool,
        settings: any SourceSettings, limits: SourceLimits
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.unit = unit
        self.discover = discover
        self.settings = settings
        self.limits = limits
    }

    /// The accounts the configuration names (ModelRouter `clients`, DMS `orgs`, TWCC `wallets`, with their
    /// `*_file` lists).
    public var accounts: AccountList { settings.accounts }

    /// The source's connector, configured.
    /// - Parameters:
    ///   - http: The source's HTTP client, with its limits.
    ///   - clock: The clock for signatures and token expiry.
    public func connector(http: SourceHTTPClient, clock: any LedgerClock) -> any SourceConnector {
        settings.connector(for: self, http: http, clock: clock)
    }
}
