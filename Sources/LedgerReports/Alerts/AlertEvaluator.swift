import LedgerCore
import LedgerStore

/// Evaluates alert rules against the ledger: which conditions hold now, each with a sentence and its exact figures.
/// `serve` records them after every sync; `check --alerts` prints them.
public enum AlertEvaluator {
    /// The conditions of `rules` that hold at `now`.
    /// - Throws: ``QueryError`` for a rule naming an unknown source, or when the store fails.
    public static func firings(
        _ rules: [AlertRule], reader: LedgerReader, now: Instant
    ) throws(QueryError)
        -> [AlertFiring]
    {
        var firings: [AlertFiring] = []
        let sources = try reader.sourceSummaries()
        for rule in rules {
            let filter = QueryFilter(sources: rule.sources, namePattern: rule.accountPattern)
            switch rule.kind {
            case .balanceBelow:
                guard let unit = rule.unit, let below = rule.below else { continue }
                var unitFilter = filter
                unitFilter.units = [unit.name]
                for row in try reader.balances(filter: unitFilter, page: .all).rows
                where row.state == .present && row.unit == unit {
                    guard let balance = row.availableBalance, balance < below else { continue }
                    firings.append(
                        account(
                            rule, row.account,
                            message: "\(label(row.account)) has \(balance) \(unit) available, below \(below) \(unit)",
                            figures: [
                                ("available_balance", amount(balance, unit)), ("threshold", amount(below, unit)),
                            ]))
                }
            case .creditEnding:
                let days = rule.count ?? 7
                let selected = Set(try reader.accounts(filter: filter).map(\.account.accountID))
                for watched in try reader.watchedAccounts(limit: Int(Int32.max), now: now, creditWithinDays: days)
                where selected.contains(watched.account.accountID) {
                    guard let left = watched.creditEndsInDays else { continue }
                    let whole = Int(left.rounded(.down))
                    firings.append(
                        account(
                            rule, watched.account,
                            message: whole < 0
                                ? "the credit of \(label(watched.account)) ended \(-whole) days ago"
                                : "the credit of \(label(watched.account)) ends in \(whole) days (limit \(days))",
                            figures: [
                                ("credit_days_left", .number(String(whole))),
                                ("credit_limit", watched.creditLimit.map { amount($0, watched.unit) } ?? .null),
                            ]))
                }
            case .stale:
                let hours = rule.count ?? 24
                for source in sources where rule.sources.isEmpty || rule.sources.contains(source.source) {
                    let limit = now.adding(seconds: -Int64(hours) * 3600)
                    guard (source.lastSuccessAt.map { $0 < limit }) ?? true else { continue }
                    let since = source.lastSuccessAt.map { "since \($0.iso8601)" } ?? "ever"
                    firings.append(
                        AlertFiring(
                            rule: rule.name, kind: rule.kind, subject: source.source, source: source.source,
                            account: nil,
                            message: "no fresh data from \(source.source) \(since) (limit \(hours) h)",
                            figures: JSONValue.object(
                                JSONObject([
                                    ("last_success_at", source.lastSuccessAt.map { .string($0.iso8601) } ?? .null),
                                    ("hours", .number(String(hours))),
                                ])
                            ).jsonText))
                }
            case .syncFailing:
                let runs = rule.count ?? 3
                for source in sources where rule.sources.isEmpty || rule.sources.contains(source.source) {
                    let recent = source.recentStatuses.filter { $0 != .running }.prefix(runs)
                    guard recent.count == runs, recent.allSatisfy({ $0 == .failed || $0 == .partial }) else { continue }
                    firings.append(
                        AlertFiring(
                            rule: rule.name, kind: rule.kind, subject: source.source, source: source.source,
                            account: nil,
                            message: "the last \(runs) syncs of \(source.source) failed or were partial",
                            figures: JSONValue.object(
                                JSONObject([("statuses", .array(recent.map { .string($0.rawValue) }))])
                            ).jsonText))
                }
            case .newConflict:
                for source in sources where rule.sources.isEmpty || rule.sources.contains(source.source) {
                    guard let started = source.lastRunStartedAt else { continue }
                    var recent = filter
                    recent.sources = [source.source]
                    recent.from = started
                    var seen = Set<Int64>()
                    for conflict in try reader.conflicts(filter: recent, page: .all).rows
                    where seen.insert(conflict.account.accountID).inserted {
                        firings.append(
                            account(
                                rule, conflict.account,
                                message:
                                    "the last sync met a \(conflict.kind.rawValue) conflict for \(label(conflict.account))",
                                figures: [
                                    ("conflict", .string(conflict.kind.rawValue)),
                                    ("resolution", .string(conflict.resolution.rawValue)),
                                ]))
                    }
                }
            case .backup:
                if let firing = try backup(rule, reader: reader, now: now) { firings.append(firing) }
            }
        }
        return firings
    }

    /// The `backup` rule: the last attempt failed, or the last good backup is older than the rule's hours (or
    /// there is none).
    private static func backup(
        _ rule: AlertRule, reader: LedgerReader, now: Instant
    ) throws(QueryError)
        -> AlertFiring?
    {
        let hours = rule.count ?? 26
        let status = try reader.backupStatus()
        let lastGood = status.lastSuccess?.finishedAt
        let message: String
        if let attempt = status.lastAttempt, attempt.outcome == .failed {
            message = "the last backup failed at \(attempt.finishedAt.iso8601): \(attempt.error ?? "no reason given")"
        } else if let lastGood, lastGood >= now.adding(seconds: -Int64(hours) * 3600) {
            return nil
        } else {
            message =
                lastGood.map { "the last good backup is from \($0.iso8601), older than \(hours) h" }
                ?? "no backup has been taken (limit \(hours) h)"
        }
        return AlertFiring(
            rule: rule.name, kind: rule.kind, subject: "backup", source: nil, account: nil, message: message,
            figures: JSONValue.object(
                JSONObject([
                    ("last_success_at", lastGood.map { .string($0.iso8601) } ?? .null),
                    ("last_outcome", status.lastAttempt.map { .string($0.outcome.rawValue) } ?? .null),
                    ("hours", .number(String(hours))),
                ])
            ).jsonText)
    }

    private static func account(
        _ rule: AlertRule, _ account: AccountRef, message: String, figures: [(key: String, value: JSONValue)]
    ) -> AlertFiring {
        AlertFiring(
            rule: rule.name, kind: rule.kind, subject: "\(account.source)/\(account.key)", source: account.source,
            account: account.key, message: message,
            figures: JSONValue.object(
                JSONObject(figures + [("name", account.displayName.map(JSONValue.string) ?? .null)])
            )
            .jsonText)
    }

    private static func label(_ account: AccountRef) -> String {
        "\(account.source)/\(account.key)" + (account.displayName.map { " (\($0))" } ?? "")
    }

    private static func amount(_ value: FixedDecimal, _ unit: MoneyUnit) -> JSONValue {
        .object(JSONObject([("amount", .string(value.description)), ("unit", .string(unit.name))]))
    }
}
