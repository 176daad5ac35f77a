import LedgerCore
import LedgerSources

/// The whole sync configuration: where the store is and which source instances to read.
public struct SyncConfiguration: Sendable {
    /// The database file, relative paths resolved against the config file's directory.
    public var storePath: String
    /// How far in the future a gmtModified may be before it is refused as clock skew.
    public var clockSkewSeconds: Int64
    public var sources: [SourceConfiguration]

    public init(storePath: String, clockSkewSeconds: Int64 = LedgerDefaults.clockSkewSeconds, sources: [SourceConfiguration]) {
        self.storePath = storePath
        self.clockSkewSeconds = clockSkewSeconds
        self.sources = sources
    }
}

/// One `[sources.NAME]` table.
public struct SourceConfiguration: Sendable {
    public var name: String
    public var kind: SourceKind
    public var baseURL: BaseURL
    /// The unit of plain amounts (ModelRouter `amount` balances, DMS figures); TWCC is always SU.
    public var unit: MoneyUnit
    /// List accounts from the API where the kind can (ModelRouter clients, TWCC project wallets).
    public var discover: Bool
    /// Accounts named explicitly: ModelRouter `clients`, DMS `orgs`, TWCC `wallets` (and their `*_file` lists).
    public var accounts: AccountList
    /// TWCC projects whose wallets are discovered.
    public var projects: [String]
    public var credentials: SourceCredentials
    public var limits: SourceLimits

    public init(
        name: String, kind: SourceKind, baseURL: BaseURL, unit: MoneyUnit, discover: Bool, accounts: AccountList,
        projects: [String], credentials: SourceCredentials, limits: SourceLimits
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.unit = unit
        self.discover = discover
        self.accounts = accounts
        self.projects = projects
        self.credentials = credentials
        self.limits = limits
    }
}

/// A source's credentials, resolved from the environment or the secrets file.
public enum SourceCredentials: Sendable {
    case modelRouter(accessKeyID: String, accessKeySecret: Secret)
    case dms(DMSAuthentication)
    case twcc(TWCCAuthentication)
}

/// A configuration problem: the file, the key, and what is wrong with it.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    /// The dotted key, such as `sources.mr.base_url`; empty for the file as a whole.
    public var key: String
    public var problem: String

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        key.isEmpty ? "\(file): \(problem)" : "\(file): \(key): \(problem)"
    }
}
