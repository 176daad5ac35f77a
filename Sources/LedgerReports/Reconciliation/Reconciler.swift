import LedgerCore
import LedgerStore

/// Builds a ``ReconciliationReport`` from the ledger: a handful of set-based queries (opening, closing, movements,
/// errors, conflicts for every selected account at once; the period's versions a chunk of accounts at a time),
/// then the rules in memory.
public enum Reconciler {
    /// Reconciles a period.
    ///
    /// - Parameters:
    ///   - reader: The ledger, read-only.
    ///   - parameters: Period, selection, tolerances, staleness.
    ///   - statement: An external statement to match one-to-one, if any.
    /// - Returns: The report.
    /// - Throws: ``QueryError`` for a bad selection or a store failure; `MoneyError` if a sum leaves the exact range.
    public static func report(reader: LedgerReader, parameters p: ReportParameters, statement: StatementFile? = nil)
        throws -> ReconciliationReport
    {
        try report(reader: reader, parameters: p, statement: statement, historyChunk: 900)
    }

    /// Reconciles a period, reading the versions of `historyChunk` accounts at a time.
    static func report(
        reader: LedgerReader, parameters p: ReportParameters, statement: StatementFile?, historyChunk: Int
    ) throws -> ReconciliationReport {
        guard p.from < p.to else {
            throw QueryError(.conflictingFilters("the period's start \(p.from) is not before its end \(p.to)"))
        }
        var filter = p.filter
        filter.from = nil
        filter.to = nil
        let end = p.to.adding(milliseconds: -1)
        let accounts = try reader.accounts(filter: filter)
        let opening = Dictionary(
            uniqueKeysWithValues: try reader.balances(asOf: AsOf(valid: p.from), filter: filter, page: .all).rows
                .map { ($0.account.accountID, $0) })
        let closing = Dictionary(
            uniqueKeysWithValues: try reader.balances(asOf: AsOf(valid: end), filter: filter, page: .all).rows
                .map { ($0.account.accountID, $0) })
        var windowed = filter
        windowed.from = p.from
        windowed.to = p.to
        var versions = HistoryStream(
            reader: reader, filter: windowed, accounts: accounts.map(\.account), chunkSize: historyChunk)
        let logs = Dictionary(grouping: try reader.movements(filter: windowed, page: .all).rows) { $0.account.accountID }
        let logsBefore = try reader.lastMovements(before: p.from, filter: filter)
        let details = try reader.details(versionIDs: closing.values.filter { $0.state == .present }.map(\.versionID))

        var statements: [StatementLine] = []
        var checks: [InvariantCheck] = []
        var exceptions: [ReportException] = []
        var series: [Int64: [BalancePoint]] = [:]
        func exception(
            _ kind: ReportException.Kind, _ account: AccountRef, rule: String, message: String, at: Instant,
            unit: MoneyUnit? = nil, expected: FixedDecimal? = nil, actual: FixedDecimal? = nil,
            difference: FixedDecimal? = nil, tolerance: FixedDecimal? = nil
        ) {
            exceptions.append(ReportException(
                id: stableID(kind, account.source, account.key, rule), kind: kind, source: account.source,
                account: account.key, rule: rule, unit: unit, expected: expected, actual: actual,
                difference: difference, tolerance: tolerance, message: message, firstSeen: at, lastSeen: at,
                ageBucket: ageBucket(from: at, to: p.to)))
        }

        for (index, summary) in accounts.enumerated() {
            let account = summary.account
            let id = account.accountID
            let open = opening[id].flatMap { $0.state == .present ? $0 : nil }
            let close = closing[id].flatMap { $0.state == .present ? $0 : nil }
            let inPeriod = try versions.versions(at: index)
            guard open != nil || close != nil || !inPeriod.isEmpty else { continue }

            // The statement.
            let line = try statementLine(
                account: account, open: open, close: close, versions: inPeriod, logs: logs[id] ?? [],
                tolerance: p.tolerance(.statement))
            statements.append(line)
            switch line.status {
            case .noOpening:
                exception(.noOpening, account, rule: "statement",
                    message: "no balance was valid at the period's start \(p.zone.format(p.from)); the opening is unknown, not 0",
                    at: close?.validFrom ?? p.from, unit: line.unit)
            case .missingClosing:
                exception(.missingAccount, account, rule: "statement",
                    message: closing[id]?.state == .gone
                        ? "the source no longer lists this account (gone since \(p.zone.format(closing[id]!.validFrom)))"
                        : "no balance is valid at the period's end",
                    at: closing[id]?.validFrom ?? p.to, unit: line.unit)
            case .unexplainedDifference:
                exception(.unexplainedDifference, account, rule: "statement",
                    message: "opening + movements does not reach the reported closing", at: close?.validFrom ?? p.to,
                    unit: line.unit, expected: line.computedClosing, actual: line.reportedClosing,
                    difference: line.difference, tolerance: line.tolerance)
            default: break
            }

            // Invariants on the closing version.
            let accountChecks = try invariantChecks(
                account: account, close: close, details: close.flatMap { details[$0.versionID] },
                open: open, versions: inPeriod, logs: logs[id] ?? [], logBefore: logsBefore[id], parameters: p)
            for check in accountChecks where check.verdict == .fail {
                exception(.invariantFailed, account, rule: check.rule.rawValue,
                    message: check.note ?? "\(check.rule.rawValue) does not hold", at: close?.validFrom ?? p.to,
                    unit: check.unit, expected: check.expected, actual: check.actual, difference: check.difference,
                    tolerance: check.tolerance)
            }
            checks += accountChecks

            // Staleness: the source has not reported the account recently enough before the period's end.
            if summary.lastSeenAt.adding(seconds: p.staleAfterSeconds) < p.to, close != nil {
                exception(.stale, account, rule: "stale_after",
                    message: "no fresh data since \(p.zone.format(summary.lastSeenAt)) (limit \(p.staleAfterSeconds / 3600) h)",
                    at: summary.lastSeenAt.adding(seconds: p.staleAfterSeconds))
            }

            // Chart points only for the accounts the HTML report draws.
            if statements.count <= p.htmlChartLimit {
                var points = [BalancePoint(at: p.from, balance: open?.availableBalance)]
                points += inPeriod.filter { $0.validFrom > p.from }.map { BalancePoint(at: $0.validFrom, balance: $0.availableBalance) }
                points.append(BalancePoint(at: p.to, balance: close?.availableBalance))
                series[id] = points
            }
        }

        exceptions += try fetchFailures(reader: reader, filter: windowed, parameters: p)
        exceptions += try conflicts(reader: reader, filter: filter, parameters: p)
        exceptions.sort { ($0.kind.rawValue, $0.source, $0.account ?? "", $0.rule) < ($1.kind.rawValue, $1.source, $1.account ?? "", $1.rule) }

        let matching = try statement.map { try match($0, reader: reader, filter: filter, closing: closing, parameters: p) }
        return ReconciliationReport(
            parameters: p, schemaVersion: try reader.schemaVersion(), statements: statements, checks: checks,
            exceptions: exceptions, matching: matching, series: series, scales: try reader.unitScales())
    }

    // MARK: Statements

    static func statementLine(
        account: AccountRef, open: BalanceRow?, close: BalanceRow?, versions: [BalanceRow], logs: [MovementRow],
        tolerance: FixedDecimal
    ) throws -> StatementLine {
        let unit = close?.unit ?? open?.unit
        var totals: [String: MovementTotal] = [:]
        let source: String
        if account.kind == .modelRouter {
            source = "balance_log"
            for log in logs where unit == nil || log.unit == unit {
                var total = totals[log.changeType] ?? MovementTotal(type: log.changeType, count: 0, amount: .zero)
                total.count += 1
                total.amount = try total.amount.adding(log.amount)
                totals[log.changeType] = total
            }
        } else {
            source = "version_changes"
            var previous = open?.availableBalance
            var previousUnit = open?.unit
            for version in versions.sorted(by: { $0.validFrom < $1.validFrom }) where version.state == .present {
                if let before = previous, let after = version.availableBalance, previousUnit == version.unit,
                    version.validFrom > (open?.validFrom ?? .init(millisecondsSinceEpoch: .min))
                {
                    var total = totals["version_change"] ?? MovementTotal(type: "version_change", count: 0, amount: .zero)
                    total.count += 1
                    total.amount = try total.amount.adding(try after.subtracting(before))
                    totals["version_change"] = total
                }
                previous = version.availableBalance
                previousUnit = version.unit
            }
        }
        let movements = totals.values.sorted { $0.type < $1.type }
        let movementsTotal = try movements.reduce(FixedDecimal.zero) { try $0.adding($1.amount) }
        let computed = try open?.availableBalance.map { try $0.adding(movementsTotal) }
        let reported = close?.availableBalance
        var difference: FixedDecimal?
        var unexplained: FixedDecimal?
        let status: StatementStatus
        if open == nil {
            status = .noOpening
        } else if close == nil {
            status = .missingClosing
        } else if let computed, let reported, open?.unit == close?.unit {
            let diff = try reported.subtracting(computed)
            difference = diff
            let beyond = try diff.magnitude() > tolerance
            unexplained = beyond ? diff : .zero
            status = beyond ? .unexplainedDifference : .ok
        } else {
            status = .unexplainedDifference
        }
        return StatementLine(
            account: account, unit: unit, opening: open?.availableBalance, movementSource: source, movements: movements,
            movementsTotal: movementsTotal, computedClosing: computed, reportedClosing: reported, difference: difference,
            unexplained: unexplained, tolerance: tolerance, status: status, openingVersionID: open?.versionID,
            closingVersionID: close?.versionID)
    }

    // MARK: Invariants

    /// The invariant checks of one account's closing version: each source's rules (see ``InvariantContext``).
    static func invariantChecks(
        account: AccountRef, close: BalanceRow?, details: SourceDetails?, open: BalanceRow?, versions: [BalanceRow],
        logs: [MovementRow], logBefore: MovementRow?, parameters p: ReportParameters
    ) throws -> [InvariantCheck] {
        let rules = ReconciliationRule.rules(for: account.kind)
        guard let close else {
            return rules.map { InvariantContext.skipped(account, $0, unit: nil, p, "no balance at the period's end") }
        }
        let context = InvariantContext(
            account: account, close: close, open: open, versions: versions, logs: logs, logBefore: logBefore,
            parameters: p)
        switch details {
        case .dmsCredit(let details): return try DMSCreditRules.checks(context, details)
        case .twccWallet(let details): return try TWCCWalletRules.checks(context, details)
        case .modelRouter: return try ModelRouterRules.checks(context)
        case nil:
            return rules.map {
                InvariantContext.skipped(account, $0, unit: close.unit, p, "the version has no source details")
            }
        }
    }

    // MARK: Exceptions from the sync

    static func fetchFailures(reader: LedgerReader, filter: QueryFilter, parameters p: ReportParameters) throws
        -> [ReportException]
    {
        var groups: [String: ReportException] = [:]
        for error in try reader.errors(filter: filter, page: .all).rows {
            let account = error.accountKey ?? error.target
            let key = "\(error.source)|\(account)|\(error.kind)"
            if var existing = groups[key] {
                existing.firstSeen = min(existing.firstSeen, error.occurredAt)
                existing.lastSeen = max(existing.lastSeen, error.occurredAt)
                existing.ageBucket = ageBucket(from: existing.firstSeen, to: p.to)
                groups[key] = existing
            } else {
                groups[key] = ReportException(
                    id: stableID(.fetchFailed, error.source, account, error.kind), kind: .fetchFailed,
                    source: error.source, account: account, rule: error.kind, unit: nil, expected: nil, actual: nil,
                    difference: nil, tolerance: nil,
                    message: error.type == "quarantine" ? "payload quarantined: \(error.message)" : error.message,
                    firstSeen: error.occurredAt, lastSeen: error.occurredAt, ageBucket: ageBucket(from: error.occurredAt, to: p.to))
            }
        }
        return Array(groups.values)
    }

    static func conflicts(reader: LedgerReader, filter: QueryFilter, parameters p: ReportParameters) throws
        -> [ReportException]
    {
        let period = p.from..<p.to
        return try reader.conflicts(filter: filter, page: .all).rows.filter {
            period.contains($0.detectedAt) || period.contains($0.incomingValidFrom)
                || $0.storedValidFrom.map(period.contains) == true
        }.map { conflict in
            ReportException(
                id: stableID(.conflict, conflict.account.source, conflict.account.key,
                    "\(conflict.kind)@\(conflict.incomingValidFrom.millisecondsSinceEpoch)"),
                kind: .conflict, source: conflict.account.source, account: conflict.account.key, rule: conflict.kind.rawValue,
                unit: nil, expected: nil, actual: nil, difference: nil, tolerance: nil,
                message: "\(conflict.kind): incoming valid from \(p.zone.format(conflict.incomingValidFrom)), stored "
                    + (conflict.storedValidFrom.map { p.zone.format($0) } ?? "none") + " (\(conflict.resolution))",
                firstSeen: conflict.detectedAt, lastSeen: conflict.detectedAt,
                ageBucket: ageBucket(from: conflict.detectedAt, to: p.to))
        }
    }

    static func stableID(_ kind: ReportException.Kind, _ source: String, _ account: String, _ rule: String) -> String {
        "EX-" + sha256Hex(Array("\(kind.rawValue)|\(source)|\(account)|\(rule)".utf8)).prefix(12).uppercased()
    }

    static func ageBucket(from: Instant, to: Instant) -> String {
        let hours = (to.millisecondsSinceEpoch - from.millisecondsSinceEpoch) / 3_600_000
        switch hours {
        case ..<24: return "<1d"
        case ..<(24 * 7): return "1-7d"
        case ..<(24 * 30): return "7-30d"
        default: return ">30d"
        }
    }
}
