import LedgerCore
import LedgerStore

/// The Prometheus text exposition of the ledger, read fresh at each scrape.
///
/// A small writer rather than swift-prometheus' registry: every figure here is a snapshot of the ledger at the
/// scrape, not a counter the process keeps, and the per-account series change membership between scrapes (the
/// most urgent accounts now); a registry would have to mirror and retire label sets on every scrape. Metrics are
/// floats: the exact figures stay in the API.
struct MetricsWriter {
    private var text = ""

    /// The exposition for `sources`, `totals` and the `watched` accounts, with the scheduler's state.
    static func render(
        sources: [SourceSummary], totals: [TotalRow], watched: [WatchedAccount], watchedLimit: Int,
        scheduler: SyncScheduler.Status, alerts: [AlertRow], backups: BackupStatus, now: Instant
    ) -> String {
        var writer = MetricsWriter()
        writer.family("ledgersync_up", "gauge", "1 while the server answers.")
        writer.sample("ledgersync_up", [], 1)
        writer.family("ledgersync_sync_running", "gauge", "1 while a scheduled or requested sync runs.")
        writer.sample("ledgersync_sync_running", [], scheduler.running ? 1 : 0)
        writer.family(
            "ledgersync_sync_consecutive_failures", "gauge", "Scheduled syncs that failed in a row (0 after a success)."
        )
        writer.sample("ledgersync_sync_consecutive_failures", [], Double(scheduler.consecutiveFailures))

        let perSource: [(String, String, String, (SourceSummary) -> Double?)] = [
            (
                "ledgersync_source_last_sync_timestamp_seconds", "gauge", "When the source's newest run started.",
                { $0.lastRunStartedAt.map { Double($0.millisecondsSinceEpoch) / 1000 } }
            ),
            (
                "ledgersync_source_last_sync_duration_seconds", "gauge", "How long the source's newest run took.",
                { summary in
                    guard let start = summary.lastRunStartedAt, let end = summary.lastRunEndedAt else { return nil }
                    return Double(end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000
                }
            ),
            ("ledgersync_source_accounts", "gauge", "Accounts present at the source now.", { Double($0.accounts) }),
            (
                "ledgersync_source_last_sync_errors", "gauge", "Failed fetches in the source's newest run.",
                { $0.lastRunID == nil ? nil : Double($0.counts.errors) }
            ),
            (
                "ledgersync_source_last_sync_conflicts", "gauge", "Conflicts met in the source's newest run.",
                { $0.lastRunID == nil ? nil : Double($0.counts.conflicts) }
            ),
            (
                "ledgersync_source_last_sync_quarantined", "gauge", "Payloads quarantined in the source's newest run.",
                { $0.lastRunID == nil ? nil : Double($0.counts.quarantined) }
            ),
            (
                "ledgersync_source_quarantined", "gauge", "Payloads quarantined for the source, ever.",
                { Double($0.quarantinedTotal) }
            ),
        ]
        for (name, type, help, value) in perSource {
            writer.family(name, type, help)
            for summary in sources {
                if let number = value(summary) {
                    writer.sample(name, [("source", summary.source), ("kind", summary.kind.rawValue)], number)
                }
            }
        }
        writer.family(
            "ledgersync_source_last_sync_status", "gauge",
            "1 for the status of the source's newest run (complete, partial, failed, running), 0 for the others.")
        for summary in sources {
            guard let status = summary.lastStatus else { continue }
            for candidate in RunStatus.allCases where candidate != .interrupted {
                writer.sample(
                    "ledgersync_source_last_sync_status",
                    [("source", summary.source), ("kind", summary.kind.rawValue), ("status", candidate.rawValue)],
                    status == candidate ? 1 : 0)
            }
        }

        writer.family(
            "ledgersync_source_available_balance", "gauge",
            "Available balance summed per source and unit (never across units).")
        for total in totals {
            writer.sample(
                "ledgersync_source_available_balance", [("source", total.source), ("unit", total.unit.name)],
                total.availableBalance.doubleValue)
        }
        writer.family("ledgersync_source_credit_limit", "gauge", "Credit limits summed per source and unit.")
        for total in totals {
            guard let limit = total.creditLimit else { continue }
            writer.sample(
                "ledgersync_source_credit_limit", [("source", total.source), ("unit", total.unit.name)],
                limit.doubleValue)
        }

        writer.family(
            "ledgersync_account_series_limit", "gauge",
            "The most accounts given their own series (metrics_max_accounts); the most urgent come first.")
        writer.sample("ledgersync_account_series_limit", [], Double(watchedLimit))
        let accountSeries: [(String, String, (WatchedAccount) -> Double?)] = [
            (
                "ledgersync_account_available_balance", "Available balance of the most urgent accounts.",
                { $0.availableBalance?.doubleValue }
            ),
            (
                "ledgersync_account_credit_limit",
                "Credit limit of the most urgent accounts, where the source has one.",
                { $0.creditLimit?.doubleValue }
            ),
            (
                "ledgersync_account_credit_end_timestamp_seconds",
                "When the account's credit line ends (Unix time), where the source says; minus time() is what is left.",
                { $0.creditEndsAt.map { Double($0.millisecondsSinceEpoch) / 1000 } }
            ),
        ]
        for (name, help, value) in accountSeries {
            writer.family(name, "gauge", help)
            for account in watched {
                guard let number = value(account) else { continue }
                writer.sample(
                    name,
                    [
                        ("source", account.account.source), ("account", account.account.key),
                        ("name", account.account.displayName ?? ""), ("unit", account.unit.name),
                    ], number)
            }
        }
        writer.family(
            "ledgersync_alert_firing", "gauge",
            "1 for each alert firing now (rule, subject), at most metrics_max_accounts of them; see /api/v1/alerts.")
        for alert in alerts where alert.firing {
            writer.sample(
                "ledgersync_alert_firing",
                [("rule", alert.rule), ("kind", alert.kind.rawValue), ("subject", alert.subject)], 1)
        }
        writer.backups(backups)
        return writer.text
    }

    /// The backups `serve` takes (`[backup]`): none of these has a sample until one was attempted.
    private mutating func backups(_ status: BackupStatus) {
        func seconds(_ instant: Instant) -> Double { Double(instant.millisecondsSinceEpoch) / 1000 }
        let families: [(String, String, String, Double?)] = [
            (
                "ledgersync_backup_last_success_timestamp_seconds", "gauge",
                "When the newest backup that was written and verified finished.",
                status.lastSuccess.map { seconds($0.finishedAt) }
            ),
            (
                "ledgersync_backup_last_success_size_bytes", "gauge", "The size of the newest verified backup.",
                status.lastSuccess?.bytes.map(Double.init)
            ),
            (
                "ledgersync_backup_last_attempt_timestamp_seconds", "gauge", "When the newest backup attempt finished.",
                status.lastAttempt.map { seconds($0.finishedAt) }
            ),
            (
                "ledgersync_backup_last_attempt_success", "gauge",
                "1 when the newest backup attempt succeeded, else 0.",
                status.lastAttempt.map { $0.outcome == .ok ? 1 : 0 }
            ),
            (
                "ledgersync_backup_failures_total", "counter", "Backup attempts that failed, ever.",
                status.lastAttempt == nil ? nil : Double(status.failures)
            ),
        ]
        for (name, type, help, value) in families {
            family(name, type, help)
            if let value { sample(name, [], value) }
        }
    }

    private mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// A label value as the exposition format wants it: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n", "\r\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension FixedDecimal {
    /// The nearest double: for metrics only, never for money kept or compared.
    var doubleValue: Double {
        Double(description) ?? .nan
    }
}
