import LedgerCore
import LedgerStore

/// What an account's invariant checks look at: its closing version and the period's versions and movements.
struct InvariantContext {
    let account: AccountRef
    let close: BalanceRow
    let open: BalanceRow?
    let versions: [BalanceRow]
    let logs: [MovementRow]
    let logBefore: MovementRow?
    let parameters: ReportParameters

    /// A check of `actual` against `expected` within the rule's tolerance; skipped, with `missing` as its note,
    /// when either figure is unknown.
    func check(
        _ rule: ReconciliationRule, expected: FixedDecimal?, actual: FixedDecimal?, relation: CheckRelation = .equal,
        missing: String, note: String? = nil, unit: MoneyUnit? = nil
    ) throws -> InvariantCheck {
        let tolerance = parameters.tolerance(rule)
        let unit = unit ?? close.unit
        guard let expected, let actual else {
            return InvariantCheck(
                account: account, rule: rule, unit: unit, expected: expected, actual: actual,
                difference: nil, tolerance: tolerance, verdict: .skipped, note: missing, relation: relation)
        }
        let difference = try actual.subtracting(expected)
        let holds = relation == .atMost ? difference <= tolerance : try difference.magnitude() <= tolerance
        return InvariantCheck(
            account: account, rule: rule, unit: unit, expected: expected, actual: actual,
            difference: difference, tolerance: tolerance, verdict: holds ? .pass : .fail, note: note,
            relation: relation)
    }

    /// A rule that cannot be checked, and why.
    func skipped(
        _ rule: ReconciliationRule, _ note: String, unit: MoneyUnit? = nil, actual: FixedDecimal? = nil
    )
        -> InvariantCheck
    {
        var check = Self.skipped(account, rule, unit: unit ?? close.unit, parameters, note)
        check.actual = actual
        return check
    }

    static func skipped(
        _ account: AccountRef, _ rule: ReconciliationRule, unit: MoneyUnit?, _ parameters: ReportParameters,
        _ note: String
    ) -> InvariantCheck {
        InvariantCheck(
            account: account, rule: rule, unit: unit, expected: nil, actual: nil, difference: nil,
            tolerance: parameters.tolerance(rule), verdict: .skipped, note: note, relation: .equal)
    }
}

/// DMS customer credit: `total_available_amount = balance + available_amount`, and (for limited credit)
/// `available_amount = credit_limit − used_limit − freezing_amount`.
enum DMSCreditRules {
    static func checks(_ c: InvariantContext, _ d: DMSCreditDetails) throws -> [InvariantCheck] {
        let close = c.close
        let total = try c.check(
            .dmsTotalAvailable,
            expected: try close.availableBalance.flatMap { b in try d.availableAmount.map { try b.adding($0) } },
            actual: close.totalAvailable, missing: "balance, available_amount or total_available_amount not reported")
        guard !d.isUnlimitedCredit else {
            return [total, c.skipped(.dmsAvailableAmount, "credit is unlimited", actual: d.availableAmount)]
        }
        var expected: FixedDecimal?
        if let limit = close.creditLimit, let used = close.used, let frozen = close.frozen {
            expected = try limit.subtracting(used).subtracting(frozen)
        }
        let available = try c.check(
            .dmsAvailableAmount, expected: expected, actual: d.availableAmount,
            missing: "credit_limit, used_limit, freezing_amount or available_amount not reported")
        return [total, available]
    }
}

/// TWCC wallets: `su_qouta ≤ original_quota + prj_credit_quota + prj_poc_quota`.
enum TWCCWalletRules {
    static func checks(_ c: InvariantContext, _ d: TWCCWalletDetails) throws -> [InvariantCheck] {
        var ceiling: FixedDecimal?
        if let original = d.originalQuota, let credit = d.projectCreditQuota, let poc = d.projectPocQuota {
            ceiling = try original.adding(credit).adding(poc)
        }
        return [
            try c.check(
                .twccQuotaCeiling, expected: ceiling, actual: c.close.availableBalance, relation: .atMost,
                missing: "original_quota, prj_credit_quota or prj_poc_quota not reported")
        ]
    }
}

/// ModelRouter balance logs: each entry's balanceBefore is the previous entry's balanceAfter, and the latest
/// entry's balanceAfter is the balance valid when it was made.
enum ModelRouterRules {
    static func checks(_ c: InvariantContext) throws -> [InvariantCheck] {
        let p = c.parameters
        let ordered = c.logs.sorted { ($0.at, $0.remoteID) < ($1.at, $1.remoteID) }
        guard let latest = ordered.last else {
            return [.modelRouterLogChain, .modelRouterLogMatchesBalance].map {
                c.skipped($0, "no balance logs in the period")
            }
        }
        // The chain: the first broken link, or the last link when all hold.
        var previous = c.logBefore
        var link: (expected: FixedDecimal?, actual: FixedDecimal?, note: String?) = (nil, nil, nil)
        var links = 0
        for entry in ordered {
            if let before = previous?.balanceAfter, let after = entry.balanceBefore {
                links += 1
                link = (
                    before, after,
                    "entry \(entry.remoteID) at \(p.zone.format(entry.at)) after entry \(previous!.remoteID)"
                )
                if before != after { break }
            }
            previous = entry
        }
        let chain =
            links == 0
            ? c.skipped(
                .modelRouterLogChain, "only one log entry and none before the period: no link to check",
                unit: latest.unit)
            : try c.check(
                .modelRouterLogChain, expected: link.expected, actual: link.actual, missing: "",
                note: link.note)
        // The version valid when the latest entry was made.
        let candidates = ([c.open].compactMap { $0 } + c.versions).filter { $0.validFrom <= latest.at }
        let valid = candidates.max { $0.validFrom < $1.validFrom }
        let matches = try c.check(
            .modelRouterLogMatchesBalance, expected: latest.balanceAfter,
            actual: valid?.state == .present ? valid?.availableBalance : nil,
            missing: "no balance version valid at the latest entry's time",
            note: "entry \(latest.remoteID) at \(p.zone.format(latest.at)) against the balance valid then")
        return [chain, matches]
    }
}
