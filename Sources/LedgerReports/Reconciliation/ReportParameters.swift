import LedgerCore
import LedgerStore

/// What a reconciliation report covers and how strict it is.
public struct ReportParameters: Sendable, Equatable {
    /// The period `[from, to)`.
    public var from: Instant
    /// The period's end (exclusive).
    public var to: Instant
    /// The zone the period was given in and times are shown in.
    public var zone: DisplayZone
    /// Which sources and accounts.
    public var filter: QueryFilter
    /// Tolerance per rule id (``ReconciliationRule``); a rule not listed has tolerance 0.
    public var tolerances: [String: FixedDecimal]
    /// An account whose source has not reported it for longer than this before the period's end is STALE.
    public var staleAfterSeconds: Int64
    /// At most this many accounts get a chart in the HTML report (every account is in the CSV and JSON).
    public var htmlChartLimit: Int

    /// Parameters of the period [`from`, `to`).
    public init(
        from: Instant, to: Instant, zone: DisplayZone = .utc, filter: QueryFilter = QueryFilter(),
        tolerances: [String: FixedDecimal] = [:], staleAfterSeconds: Int64 = 36 * 3600, htmlChartLimit: Int = 500
    ) {
        self.from = from
        self.to = to
        self.zone = zone
        self.filter = filter
        self.tolerances = tolerances
        self.staleAfterSeconds = staleAfterSeconds
        self.htmlChartLimit = htmlChartLimit
    }

    /// The last complete calendar day before `now` in `zone`: the default period.
    public static func lastCompleteDay(before now: Instant, zone: DisplayZone) -> (from: Instant, to: Instant) {
        let today = zone.day(of: now)
        let to = zone.startOfDay(year: today.year, month: today.month, day: today.day)
        let yesterday = zone.day(of: to.adding(seconds: -1))
        return (zone.startOfDay(year: yesterday.year, month: yesterday.month, day: yesterday.day), to)
    }

    func tolerance(_ rule: ReconciliationRule) -> FixedDecimal {
        tolerances[rule.rawValue] ?? .zero
    }
}

/// The rules a report checks; their ids name tolerances (`--tolerance dms.total_available=0.01`).
public enum ReconciliationRule: String, Sendable, CaseIterable {
    /// opening + movements = reported closing, per account and unit.
    case statement = "statement"
    /// DMS: total_available_amount = balance + available_amount.
    case dmsTotalAvailable = "dms.total_available"
    /// DMS: available_amount = credit_limit − used_limit − freezing_amount (unless credit is unlimited).
    case dmsAvailableAmount = "dms.available_amount"
    /// TWCC: su_qouta ≤ original_quota + prj_credit_quota + prj_poc_quota.
    case twccQuotaCeiling = "twcc.su_quota_ceiling"
    /// ModelRouter: each log's balanceBefore equals the previous entry's balanceAfter.
    case modelRouterLogChain = "modelrouter.log_chain"
    /// ModelRouter: the latest balanceAfter equals the balance version valid at that time.
    case modelRouterLogMatchesBalance = "modelrouter.log_matches_balance"

    /// The rules that apply to a kind of source.
    static func rules(for kind: SourceKind) -> [ReconciliationRule] {
        switch kind {
        case .modelRouter: [.modelRouterLogChain, .modelRouterLogMatchesBalance]
        case .dmsCredit: [.dmsTotalAvailable, .dmsAvailableAmount]
        case .twccWallet: [.twccQuotaCeiling]
        }
    }
}
