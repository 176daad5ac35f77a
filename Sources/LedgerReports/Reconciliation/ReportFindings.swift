import LedgerCore
import LedgerStore

/// What a report finds account by account: statement lines, invariant checks, the exceptions they raise, and the
/// balance series the HTML report charts.
struct ReportFindings {
    let parameters: ReportParameters
    private(set) var statements: [StatementLine] = []
    private(set) var checks: [InvariantCheck] = []
    private(set) var exceptions: [ReportException] = []
    private(set) var series: [Int64: [BalancePoint]] = [:]
    /// Counts and control totals of every line, check and exception found, including those already taken.
    var tallies = ReportTallies()

    init(parameters: ReportParameters) {
        self.parameters = parameters
    }

    /// Adds one account: its statement, its invariant checks, staleness, and its chart points.
    mutating func add(
        _ summary: AccountSummary, opening: BalanceRow?, closing: BalanceRow?, versions inPeriod: [BalanceRow],
        logs: [MovementRow], logBefore: MovementRow?, details: SourceDetails?
    ) throws {
        let p = parameters
        let account = summary.account
        let open = opening.flatMap { $0.state == .present ? $0 : nil }
        let close = closing.flatMap { $0.state == .present ? $0 : nil }
        guard open != nil || close != nil || !inPeriod.isEmpty else { return }

        let line = try Reconciler.statementLine(
            account: account, open: open, close: close, versions: inPeriod, logs: logs,
            tolerance: p.tolerance(.statement))
        statements.append(line)
        try tallies.add(line)
        switch line.status {
        case .noOpening:
            exception(
                .noOpening, account, rule: "statement",
                message:
                    "no balance was valid at the period's start \(p.zone.format(p.from)); the opening is unknown, not 0",
                at: close?.validFrom ?? p.from, unit: line.unit)
        case .missingClosing:
            exception(
                .missingAccount, account, rule: "statement",
                message: closing?.state == .gone
                    ? "the source no longer lists this account (gone since \(p.zone.format(closing!.validFrom)))"
                    : "no balance is valid at the period's end",
                at: closing?.validFrom ?? p.to, unit: line.unit)
        case .unexplainedDifference:
            exception(
                .unexplainedDifference, account, rule: "statement",
                message: "opening + movements does not reach the reported closing", at: close?.validFrom ?? p.to,
                unit: line.unit, expected: line.computedClosing, actual: line.reportedClosing,
                difference: line.difference, tolerance: line.tolerance)
        case .ok: break
        }

        // Invariants on the closing version.
        let accountChecks = try Reconciler.invariantChecks(
            account: account, close: close, details: close == nil ? nil : details, open: open, versions: inPeriod,
            logs: logs, logBefore: logBefore, parameters: p)
        for check in accountChecks where check.verdict == .fail {
            exception(
                .invariantFailed, account, rule: check.rule.rawValue,
                message: check.note ?? "\(check.rule.rawValue) does not hold", at: close?.validFrom ?? p.to,
                unit: check.unit, expected: check.expected, actual: check.actual, difference: check.difference,
                tolerance: check.tolerance)
        }
        checks += accountChecks
        for check in accountChecks { tallies.add(check) }

        // Staleness: the source has not reported the account recently enough before the period's end.
        if summary.lastSeenAt.adding(seconds: p.staleAfterSeconds) < p.to, close != nil {
            exception(
                .stale, account, rule: "stale_after",
                message:
                    "no fresh data since \(p.zone.format(summary.lastSeenAt)) (limit \(p.staleAfterSeconds / 3600) h)",
                at: summary.lastSeenAt.adding(seconds: p.staleAfterSeconds))
        }

        // Chart points only for the accounts the HTML report draws.
        if tallies.statements <= p.htmlChartLimit {
            var points = [BalancePoint(at: p.from, balance: open?.availableBalance)]
            points += inPeriod.filter { $0.validFrom > p.from }.map {
                BalancePoint(at: $0.validFrom, balance: $0.availableBalance)
            }
            points.append(BalancePoint(at: p.to, balance: close?.availableBalance))
            series[account.accountID] = points
        }
    }

    /// The statement lines and checks found since the last call, handed over: a streamed export writes them and
    /// keeps only the tallies.
    mutating func take() -> ReportChunk {
        defer {
            statements.removeAll(keepingCapacity: true)
            checks.removeAll(keepingCapacity: true)
            exceptions.removeAll(keepingCapacity: true)
        }
        return ReportChunk(statements: statements, checks: checks, exceptions: exceptions)
    }

    private mutating func exception(
        _ kind: ReportException.Kind, _ account: AccountRef, rule: String, message: String, at: Instant,
        unit: MoneyUnit? = nil, expected: FixedDecimal? = nil, actual: FixedDecimal? = nil,
        difference: FixedDecimal? = nil, tolerance: FixedDecimal? = nil
    ) {
        let found = ReportException(
            id: Reconciler.stableID(kind, account.source, account.key, rule), kind: kind, source: account.source,
            account: account.key, rule: rule, unit: unit, expected: expected, actual: actual,
            difference: difference, tolerance: tolerance, message: message, firstSeen: at, lastSeen: at,
            ageBucket: Reconciler.ageBucket(from: at, to: parameters.to))
        exceptions.append(found)
        tallies.add(found)
    }
}

/// What a chunk of accounts found: their statement lines, checks and exceptions, in account order.
struct ReportChunk {
    var statements: [StatementLine]
    var checks: [InvariantCheck]
    var exceptions: [ReportException]
}
