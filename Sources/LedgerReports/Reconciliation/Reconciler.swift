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
    public static func report(
        reader: any ReportStore, parameters p: ReportParameters, statement: StatementFile? = nil
    ) async throws -> ReconciliationReport {
        try await report(reader: reader, parameters: p, statement: statement, historyChunk: 300)
    }

    /// Reconciles a period, reading what `historyChunk` accounts need at a time (their opening and closing balances,
    /// versions, movements and details).
    ///
    /// `scales` are the ones the report writes amounts at (read from the ledger when `nil`). With `stream`, each
    /// chunk's statement lines, checks and exceptions are handed to it as they are found and not kept: the report
    /// returned has none of them, only their ``ReconciliationReport/tallies`` (its exceptions are the sync's fetch
    /// failures and conflicts alone).
    static func report(
        reader: any ReportStore, parameters p: ReportParameters, statement: StatementFile?, historyChunk: Int,
        scales: UnitScales? = nil,
        stream: ((ReportChunk) throws -> Void)? = nil
    ) async throws -> ReconciliationReport {
        guard p.from < p.to else {
            throw QueryError(.conflictingFilters("the period's start \(p.from) is not before its end \(p.to)"))
        }
        var filter = p.filter
        filter.from = nil
        filter.to = nil
        let end = p.to.adding(milliseconds: -1)
        // Only the ids of the selected accounts are held for the whole run; each chunk reads its accounts' rows.
        let accountIDs = try await reader.accountIDs(filter: filter)
        var windowed = filter
        windowed.from = p.from
        windowed.to = p.to
        var versions = HistoryStream(
            reader: reader, filter: windowed, accountIDs: accountIDs, chunkSize: historyChunk)
        func byAccount(_ rows: [BalanceRow]) -> [Int64: BalanceRow] {
            Dictionary(uniqueKeysWithValues: rows.map { ($0.account.accountID, $0) })
        }

        // Everything an account needs is read for a chunk of accounts at a time (by ledger id, in the account list's
        // order), so the report never holds the whole ledger's opening and closing balances, movements and details
        // at once: what it keeps grows by one statement line and its checks per account.
        var findings = ReportFindings(parameters: p)
        let chunk = min(max(1, historyChunk), 900)
        for start in stride(from: 0, to: accountIDs.count, by: chunk) {
            var partFilter = filter
            partFilter.accountIDs = Array(accountIDs[start..<min(start + chunk, accountIDs.count)])
            // In the list's order: the same ordering, over fewer accounts.
            let part = try await reader.accounts(filter: partFilter)
            var partWindow = windowed
            partWindow.accountIDs = partFilter.accountIDs
            let opening = byAccount(
                try await reader.balances(asOf: AsOf(valid: p.from), filter: partFilter, page: .all).rows)
            let closing = byAccount(
                try await reader.balances(asOf: AsOf(valid: end), filter: partFilter, page: .all).rows)
            let logs = Dictionary(grouping: try await reader.movements(filter: partWindow, page: .all).rows) {
                $0.account.accountID
            }
            let logsBefore = try await reader.lastMovements(before: p.from, filter: partFilter)
            let details = try await reader.details(
                versionIDs: closing.values.filter { $0.state == .present }.map(\.versionID))
            for (offset, summary) in part.enumerated() {
                let id = summary.account.accountID
                let history = try await versions.versions(at: start + offset)
                try findings.add(
                    summary, opening: opening[id], closing: closing[id], versions: history, logs: logs[id] ?? [],
                    logBefore: logsBefore[id], details: closing[id].flatMap { details[$0.versionID] })
            }
            if let stream { try stream(findings.take()) }
        }
        let fromSync =
            try await fetchFailures(reader: reader, filter: windowed, parameters: p)
            + conflicts(reader: reader, filter: filter, parameters: p)
        for exception in fromSync { findings.tallies.add(exception) }
        var exceptions = findings.exceptions + fromSync
        exceptions.sort(by: exceptionOrder)

        // Matching an external statement looks its lines up among every account's closing balance.
        var matching: StatementMatching? = nil
        if let statement {
            matching = try await match(
                statement, reader: reader, filter: filter,
                closing: byAccount(try await reader.balances(asOf: AsOf(valid: end), filter: filter, page: .all).rows),
                parameters: p)
        }
        let scales: UnitScales = if let scales { scales } else { try await reader.unitScales() }
        return ReconciliationReport(
            parameters: p, schemaVersion: try await reader.schemaVersion(), chainHead: try await reader.chainHead(),
            statements: findings.statements,
            checks: findings.checks, exceptions: exceptions, matching: matching, series: findings.series,
            scales: scales, tallies: findings.tallies)
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
                    var total =
                        totals["version_change"] ?? MovementTotal(type: "version_change", count: 0, amount: .zero)
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
            movementsTotal: movementsTotal, computedClosing: computed, reportedClosing: reported,
            difference: difference,
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

    static func fetchFailures(
        reader: any ReportStore, filter: QueryFilter, parameters p: ReportParameters
    ) async throws
        -> [ReportException]
    {
        var groups: [String: ReportException] = [:]
        for error in try await reader.errors(filter: filter, runID: nil, page: .all).rows {
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
                    firstSeen: error.occurredAt, lastSeen: error.occurredAt,
                    ageBucket: ageBucket(from: error.occurredAt, to: p.to))
            }
        }
        return Array(groups.values)
    }

    static func conflicts(
        reader: any ReportStore, filter: QueryFilter, parameters p: ReportParameters
    ) async throws
        -> [ReportException]
    {
        let period = p.from..<p.to
        return try await reader.conflicts(filter: filter, kinds: [], page: .all).rows.filter {
            period.contains($0.detectedAt) || period.contains($0.incomingValidFrom)
                || $0.storedValidFrom.map(period.contains) == true
        }.map { conflict in
            ReportException(
                id: stableID(
                    .conflict, conflict.account.source, conflict.account.key,
                    "\(conflict.kind)@\(conflict.incomingValidFrom.millisecondsSinceEpoch)"),
                kind: .conflict, source: conflict.account.source, account: conflict.account.key,
                rule: conflict.kind.rawValue,
                unit: nil, expected: nil, actual: nil, difference: nil, tolerance: nil,
                message: "\(conflict.kind): incoming valid from \(p.zone.format(conflict.incomingValidFrom)), stored "
                    + (conflict.storedValidFrom.map { p.zone.format($0) } ?? "none") + " (\(conflict.resolution))",
                firstSeen: conflict.detectedAt, lastSeen: conflict.detectedAt,
                ageBucket: ageBucket(from: conflict.detectedAt, to: p.to))
        }
    }

    /// The exceptions register's order: by kind, source, account and rule.
    static func exceptionOrder(_ a: ReportException, _ b: ReportException) -> Bool {
        (a.kind.rawValue, a.source, a.account ?? "", a.rule) < (b.kind.rawValue, b.source, b.account ?? "", b.rule)
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
