import LedgerCore

/// What the simulator serves: how many accounts of each source, from which seed, with which credentials.
public struct SimulatorConfiguration: Sendable {
    /// The seed every balance and movement derives from: the same seed gives the same world.
    public var seed: UInt64
    public var modelRouterClients: Int
    public var dmsOrgs: Int
    /// TWCC projects; each has one mother wallet and `childWalletsPerProject` children.
    public var twccProjects: Int
    public var childWalletsPerProject: Int
    /// The simulated time the world starts at.
    public var start: Instant
    /// The fraction of accounts that change on each advance, in percent.
    public var changePercent: Int
    public var accessKeyID: String
    public var accessKeySecret: Secret
    public var dmsToken: Secret
    public var twccAccount: String
    public var twccPassword: Secret
    public var twccAPIKey: Secret
    /// How long a TWCC token lives, in wall-clock seconds.
    public var twccTokenLifetimeSeconds: Int64
    /// Refuse ACS3 requests whose x-acs-date is further than this from the wall clock (nil: no check).
    public var acsDateToleranceSeconds: Int64?

    public init(
        seed: UInt64 = 42, modelRouterClients: Int = 5, dmsOrgs: Int = 5, twccProjects: Int = 2,
        childWalletsPerProject: Int = 2, start: Instant = Instant(year: 2026, month: 1, day: 1),
        changePercent: Int = 30, accessKeyID: String = "sim-access-key-id",
        accessKeySecret: Secret = Secret("sim-access-key-secret"), dmsToken: Secret = Secret("sim-dms-token"),
        twccAccount: String = "sim-user", twccPassword: Secret = Secret("sim-password"),
        twccAPIKey: Secret = Secret("sim-api-key"), twccTokenLifetimeSeconds: Int64 = 3600,
        acsDateToleranceSeconds: Int64? = 900
    ) {
        self.seed = seed
        self.modelRouterClients = modelRouterClients
        self.dmsOrgs = dmsOrgs
        self.twccProjects = twccProjects
        self.childWalletsPerProject = childWalletsPerProject
        self.start = start
        self.changePercent = changePercent
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.dmsToken = dmsToken
        self.twccAccount = twccAccount
        self.twccPassword = twccPassword
        self.twccAPIKey = twccAPIKey
        self.twccTokenLifetimeSeconds = twccTokenLifetimeSeconds
        self.acsDateToleranceSeconds = acsDateToleranceSeconds
    }

    /// The client ids the world has: 1001, 1002, …
    public var modelRouterClientIDs: [Int64] { (0..<modelRouterClients).map { 1001 + Int64($0) } }
    /// The DMS org ids the world has: 101, 102, …
    public var dmsOrgIDs: [Int64] { (0..<dmsOrgs).map { 101 + Int64($0) } }
    /// The TWCC project codes: MST000001, …
    public var twccProjectCodes: [String] { (0..<twccProjects).map { "MST" + pad($0 + 1, 6) } }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
