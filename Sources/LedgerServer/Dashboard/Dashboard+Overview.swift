import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

/// The overview's parts that read the whole ledger (sources, totals, what needs attention): shared by the
/// requests of a few seconds, like `/metrics`, so that a page costs one indexed page of accounts.
struct OverviewSummary: Sendable {
    let sources: [SourceSummary]
    let totals: [TotalRow]
    let alerts: [AlertRow]
    let creditEnding: [WatchedAccount]
    let conflicts: [ConflictRow]
    let quarantined: [ErrorRow]
    let scales: UnitScales
    /// Accounts with a current version: the table's total without a search.
    let accounts: Int
    /// The backups `serve` took.
    let backups: BackupStatus
}

extension DashboardController {
    /// How many accounts a page of the overview's table shows.
    static let boardPageSize = 50

    func overviewSummary() async throws -> OverviewSummary {
        try await overviewCache.value { [self] in
            let now = clock.now()
            let sources = try reader.sourceSummaries()
            let lastRuns = Set(sources.compactMap(\.lastRunID))
            return OverviewSummary(
                sources: sources, totals: try reader.totals(),
                alerts: try reader.alerts(resolvedSince: now).filter(\.firing),
                creditEnding: try reader.watchedAccounts(limit: 20, now: now, creditWithinDays: 14),
                conflicts: try reader.conflicts(
                    filter: QueryFilter(from: now.adding(seconds: -7 * 86_400)), page: PageRequest(limit: 20)
                ).rows,
                quarantined: try lastRuns.flatMap { run in
                    try reader.errors(runID: run, page: PageRequest(limit: 20)).rows.filter { $0.type == "quarantine" }
                },
                scales: try reader.unitScales(), accounts: try reader.accountCount(), backups: try reader.backupStatus()
            )
        }
    }

    func overview(_ request: Request) async throws -> Response {
        var query = BoardQuery(limit: Self.boardPageSize)
        var flash: String?
        for (name, value) in Self.formPairs(request) {
            switch name {
            case "q": query.search = value
            case "sort":
                guard let sort = BoardSort(rawValue: value) else {
                    throw PageError.badParameter(
                        name,
                        "unknown order \"\(value.prefix(40))\" (allowed: "
                            + BoardSort.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                query.sort = sort
            case "page":
                guard let page = Int(value), page >= 1, page <= 1_000_000 else {
                    throw PageError.badParameter(name, "expected a page number from 1")
                }
                query.offset = (page - 1) * Self.boardPageSize
            case "sync":
                flash =
                    value == "started"
                    ? "A sync has started; reload in a moment to see its result."
                    : "A sync is already running."
            default:
                throw PageError.badParameter(
                    name, "unknown parameter for the overview (allowed: q, sort, page, sync)")
            }
        }
        let summary = try await overviewSummary()
        let now = clock.now()
        let board = try reader.accountBoard(query, knownTotal: summary.accounts)
        let ids = board.rows.map(\.account.accountID)
        let week = try reader.availableBalances(of: ids, validAt: now.adding(seconds: -7 * 86_400))
        let month = try reader.availableBalances(of: ids, validAt: now.adding(seconds: -30 * 86_400))
        let steps = try reader.availableBalanceSteps(of: ids, since: now.adding(seconds: -30 * 86_400))
        let scales = summary.scales
        func money(_ value: FixedDecimal?, _ unit: MoneyUnit?) -> String { scales.labelled(value, in: unit) }
        func change(_ now: FixedDecimal?, _ then: FixedDecimal?, _ unit: MoneyUnit?) -> (String, String) {
            guard let now, let then, let delta = try? now.subtracting(then) else { return ("—", "muted") }
            let text = scales.text(delta, in: unit)
            return delta.isNegative ? (text, "bad") : delta == .zero ? (text, "muted") : ("+" + text, "good")
        }
        let accounts = board.rows.map { row -> OverviewPage.Account in
            let id = row.account.accountID
            let (c7, c7Class) = change(row.availableBalance, week[id], row.unit)
            let (c30, c30Class) = change(row.availableBalance, month[id], row.unit)
            let chart = StepChart(
                steps: (steps[id] ?? []).map { StepChart.Step(at: $0.validFrom, value: $0.availableBalance) },
                from: now.adding(seconds: -30 * 86_400), to: now, unit: row.unit, scales: scales, zone: .utc,
                label: "\(row.account.source)/\(row.account.key): the last 30 days")
            return OverviewPage.Account(
                source: row.account.source, key: row.account.key, name: row.account.displayName ?? "",
                link: Self.accountLink(row.account), balance: money(row.availableBalance, row.unit),
                change7: c7, change7Class: c7Class, change30: c30, change30Class: c30Class, spark: chart.sparkline(),
                since: row.validFrom.iso8601, sinceText: Self.short(row.validFrom), flagged: row.flagged,
                gone: row.state == .gone)
        }
        let status = await scheduler.currentStatus()
        let attention = attentionItems(summary)
        var page = OverviewPage(
            flash: flash,
            sources: summary.sources.map { source in
                let duration = source.lastRunEndedAt.flatMap { end in
                    source.lastRunStartedAt.map { Self.duration(from: $0, to: end) }
                }
                return OverviewPage.Source(
                    name: source.source, kind: source.kind.rawValue, accounts: source.accounts,
                    lastRunAt: source.lastRunStartedAt?.iso8601,
                    lastRunText: source.lastRunStartedAt.map(Self.short) ?? "",
                    status: source.lastStatus?.rawValue, statusClass: Self.statusClass(source.lastStatus?.rawValue),
                    duration: duration, errors: source.counts.errors, conflicts: source.counts.conflicts,
                    quarantined: source.counts.quarantined,
                    lastSuccessText: source.lastStatus == .complete ? nil : source.lastSuccessAt.map(Self.short),
                    accountsText: Wording.counted(source.accounts, "account"),
                    runCountsText: Wording.counted(source.counts.errors, "error") + ", "
                        + Wording.counted(source.counts.conflicts, "conflict") + ", "
                        + "\(source.counts.quarantined) quarantined")
            },
            syncState: status.running
                ? "A sync is running now."
                : "Next sync: \(status.nextRunAt.map(Self.short) ?? "not scheduled") (every \(Self.interval(syncEvery))).",
            canSync: canSync, backupState: backupState(summary.backups), backupClass: backupClass(summary.backups),
            attention: attention, attentionCount: attention.count,
            totals: summary.totals.map { total in
                OverviewPage.Total(
                    source: total.source, unit: total.unit.name, accounts: total.accounts,
                    balance: money(total.availableBalance, total.unit),
                    creditLimit: money(total.creditLimit, total.unit))
            },
            search: query.search ?? "", total: board.total, accounts: accounts,
            first: board.rows.isEmpty ? 0 : query.offset + 1, last: query.offset + board.rows.count)
        page.sorts = [
            ("account", "source and account"), ("balance", "lowest balance first"),
            ("-balance", "highest balance first"), ("-changed", "latest change first"),
        ].map { OverviewPage.Option(value: $0.0, label: $0.1, selected: $0.0 == query.sort.rawValue) }
        let pageNumber = query.offset / Self.boardPageSize + 1
        func link(_ number: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(number))]
            if let search = query.search, !search.isEmpty { items.append(URLQueryItem(name: "q", value: search)) }
            if query.sort != .account { items.append(URLQueryItem(name: "sort", value: query.sort.rawValue)) }
            var components = URLComponents()
            components.path = "/"
            components.queryItems = items
            return components.string ?? "/"
        }
        if pageNumber > 1 { page.previous = link(pageNumber - 1) }
        if query.offset + board.rows.count < board.total { page.next = link(pageNumber + 1) }
        let nonce = HTMLResponse.nonce()
        var frame = PageFrame(title: "Overview", nonce: nonce, generatedAt: Self.short(now))
        frame.navOverview = true
        return HTMLResponse.make(templates.page("overview", frame: frame, model: page), nonce: nonce)
    }

    /// What needs a person first: firing alerts, credit ending within 14 days, sources whose last sync did not
    /// complete, conflicts of the last 7 days, records quarantined in each source's last run.
    func attentionItems(_ summary: OverviewSummary) -> [OverviewPage.Attention] {
        var items: [OverviewPage.Attention] = []
        for alert in summary.alerts {
            items.append(
                .init(
                    kind: "alert", label: "alert firing", severity: "bad", subject: alert.subject,
                    link: alert.source.flatMap { source in
                        alert.account.map { Self.accountLink(source: source, key: $0) }
                    },
                    text: "\(alert.rule): \(alert.message) (since \(Self.short(alert.firingSince)))"))
        }
        for account in summary.creditEnding {
            let days = account.creditEndsInDays.map {
                $0 < 0 ? "ended" : "ends in " + Wording.counted(Int($0.rounded(.down)), "day")
            }
            items.append(
                .init(
                    kind: "credit_ending", label: "credit ending", severity: "warn",
                    subject: "\(account.account.source)/\(account.account.key)",
                    link: Self.accountLink(account.account),
                    text: "credit \(days ?? "ends soon")"))
        }
        for source in summary.sources where source.lastStatus != nil && source.lastStatus != .complete {
            items.append(
                .init(
                    kind: "sync_failing", label: "sync \(source.lastStatus!.rawValue)", severity: "bad",
                    subject: source.source, link: "/runs",
                    text: "the last sync did not complete"
                        + (source.lastSuccessAt.map { "; last complete sync \(Self.short($0))" } ?? "")))
        }
        for conflict in summary.conflicts {
            items.append(
                .init(
                    kind: "conflict", label: "conflict", severity: "warn",
                    subject: "\(conflict.account.source)/\(conflict.account.key)",
                    link: Self.accountLink(conflict.account),
                    text:
                        "\(conflict.kind.rawValue), \(conflict.resolution.rawValue) (\(Self.short(conflict.detectedAt)))"
                ))
        }
        if let attempt = summary.backups.lastAttempt, attempt.outcome == .failed {
            items.append(
                .init(
                    kind: "backup", label: "backup failed", severity: "bad", subject: "backup", link: nil,
                    text:
                        "the backup of \(Self.short(attempt.finishedAt)) failed: \(attempt.error ?? "no reason given")")
            )
        }
        for record in summary.quarantined {
            items.append(
                .init(
                    kind: "quarantined", label: "quarantined", severity: "warn",
                    subject: "\(record.source)/\(record.accountKey ?? record.target)", link: "/runs",
                    text: record.message))
        }
        return items
    }

    /// "Last backup: 3 Dec 12:51, 316 KiB, chain fact 68 (every 1d, keeping 7)", or why there is none.
    func backupState(_ status: BackupStatus) -> String {
        guard let backup else { return "No scheduled backups: add a [backup] table to the config (see the README)." }
        let schedule = "every \(Self.interval(backup.every)), keeping \(backup.keep)"
        guard let last = status.lastSuccess else {
            return status.lastAttempt == nil ? "No backup yet (\(schedule))." : "No good backup yet (\(schedule))."
        }
        let size = last.bytes.map { ByteCountFormatter.string(fromByteCount: $0, countStyle: .binary) } ?? "?"
        let head = last.chainHead.map { ", chain fact \($0.position)" } ?? ""
        return "Last good backup: \(Self.short(last.finishedAt)), \(size)\(head) (\(schedule))."
    }

    func backupClass(_ status: BackupStatus) -> String {
        guard backup != nil else { return "muted" }
        return status.lastAttempt?.outcome == .ok ? "good" : "bad"
    }

    static func accountLink(_ account: AccountRef) -> String {
        accountLink(source: account.source, key: account.key)
    }

    static func accountLink(source: String, key: String) -> String {
        var components = URLComponents()
        components.path = "/account"
        components.queryItems = [URLQueryItem(name: "source", value: source), URLQueryItem(name: "key", value: key)]
        return components.string ?? "/account"
    }

    static func duration(from start: Instant, to end: Instant) -> String {
        let ms = end.millisecondsSinceEpoch - start.millisecondsSinceEpoch
        return ms < 60_000 ? String(format: "%.1f s", Double(ms) / 1000) : "\(ms / 60_000) min \(ms / 1000 % 60) s"
    }

    /// An interval as the config writes it: `90s`, `15m`, `2h`, `1d`.
    static func interval(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    static func statusClass(_ status: String?) -> String {
        switch status {
        case "complete": "good"
        case "partial", "interrupted", "running": "warn"
        case nil: "muted"
        default: "bad"
        }
    }
}

/// The overview's model for its template.
struct OverviewPage {
    struct Source {
        let name, kind: String
        let accounts: Int
        let lastRunAt: String?
        let lastRunText: String
        let status: String?
        let statusClass: String
        let duration: String?
        let errors, conflicts, quarantined: Int
        let lastSuccessText: String?
        // Stored, not computed: templates see a value's stored properties only.
        /// "1 account", "3 accounts".
        let accountsText: String
        /// "1 error, 0 conflicts, 2 quarantined".
        let runCountsText: String
    }
    struct Attention {
        let kind, label, severity, subject: String
        let link: String?
        let text: String
    }
    struct Total {
        let source, unit: String
        let accounts: Int
        let balance, creditLimit: String
    }
    struct Account {
        let source, key, name, link, balance, change7, change7Class, change30, change30Class, spark, since,
            sinceText: String
        let flagged, gone: Bool
    }
    struct Option {
        let value, label: String
        let selected: Bool
    }

    let flash: String?
    let sources: [Source]
    let syncState: String
    let canSync: Bool
    /// The last backup, or that none is scheduled.
    let backupState: String
    let backupClass: String
    let attention: [Attention]
    let attentionCount: Int
    let totals: [Total]
    let search: String
    let total: Int
    let accounts: [Account]
    let first, last: Int
    var sorts: [Option] = []
    var previous: String?
    var next: String?
}
