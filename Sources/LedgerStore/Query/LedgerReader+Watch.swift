import GRDB
import LedgerCore

/// A source as a watcher sees it: its newest run's outcome and counts, and how many accounts it holds now.
public struct SourceSummary: Sendable, Equatable {
    /// The source instance's name.
    public var source: String
    /// The kind of the source.
    public var kind: SourceKind
    /// Accounts present now (not gone).
    public var accounts: Int
    /// The newest run that synced the source, if any.
    public var lastRunID: Int64?
    /// When that run started.
    public var lastRunStartedAt: Instant?
    /// When it ended; `nil` while running.
    public var lastRunEndedAt: Instant?
    /// How the source's part of it ended.
    public var lastStatus: RunStatus?
    /// What the source's part of it fetched, added and met.
    public var counts: RunCounts
    /// Quarantined payloads of the source over its whole history.
    public var quarantinedTotal: Int
    /// When its newest complete or partial run ended (fresh data came), if any.
    public var lastSuccessAt: Instant?
    /// The statuses of its newest runs, newest first (at most ten).
    public var recentStatuses: [RunStatus]
}

/// An account a watcher should look at, with the figures that say how close it is to running out.
public struct WatchedAccount: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// The unit of its figures.
    public var unit: MoneyUnit
    /// What can still be spent.
    public var availableBalance: FixedDecimal?
    /// The credit line, where the source has one.
    public var creditLimit: FixedDecimal?
    /// Days from `now` until the credit line ends (negative once ended), where the source says when (DMS).
    public var creditEndsInDays: Double?
    /// When the credit line ends, as the source states it (read as UTC), where the source says when (DMS).
    public var creditEndsAt: Instant?
}

extension LedgerReader {
    /// Every source with its newest run, in name order.
    /// - Throws: ``QueryError`` when the store fails.
    public func sourceSummaries() throws(QueryError) -> [SourceSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, s.kind, r.id AS run_id, r.started_at, r.ended_at, rs.status, rs.targets, rs.fetched,
                           rs.versions_added, rs.unchanged, rs.gone, rs.conflicts, rs.errors, rs.quarantined,
                           rs.log_entries,
                           (SELECT count(*) FROM account a JOIN balance_version v ON v.account_id = a.id
                             WHERE a.source_id = s.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                               AND v.state = 'present') AS accounts,
                           (SELECT count(*) FROM quarantine q WHERE q.source_id = s.id) AS quarantined_total,
                           (SELECT max(r2.ended_at) FROM sync_run_source rs2 JOIN sync_run r2 ON r2.id = rs2.run_id
                             WHERE rs2.source_id = s.id AND rs2.status IN ('complete', 'partial')) AS last_success_at,
                           (SELECT group_concat(status, ',') FROM (
                              SELECT rs3.status FROM sync_run_source rs3 WHERE rs3.source_id = s.id
                              ORDER BY rs3.run_id DESC LIMIT 10)) AS recent
                    FROM source_instance s
                    LEFT JOIN sync_run_source rs ON rs.source_id = s.id
                         AND rs.run_id = (SELECT max(run_id) FROM sync_run_source WHERE source_id = s.id)
                    LEFT JOIN sync_run r ON r.id = rs.run_id
                    ORDER BY s.name
                    """
            ).map { row in
                var counts = RunCounts()
                counts.targets = row["targets"] ?? 0
                counts.fetched = row["fetched"] ?? 0
                counts.versionsAdded = row["versions_added"] ?? 0
                counts.unchanged = row["unchanged"] ?? 0
                counts.gone = row["gone"] ?? 0
                counts.conflicts = row["conflicts"] ?? 0
                counts.errors = row["errors"] ?? 0
                counts.quarantined = row["quarantined"] ?? 0
                counts.logEntries = row["log_entries"] ?? 0
                return SourceSummary(
                    source: row["name"],
                    kind: try StoredEnum.decode(SourceKind.self, row, "kind", table: "source_instance"),
                    accounts: row["accounts"],
                    lastRunID: row["run_id"],
                    lastRunStartedAt: (row["started_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    lastRunEndedAt: (row["ended_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    lastStatus: (row["status"] as String?).flatMap(RunStatus.init(rawValue:)), counts: counts,
                    quarantinedTotal: row["quarantined_total"],
                    lastSuccessAt: (row["last_success_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    recentStatuses: ((row["recent"] as String?) ?? "").split(separator: ",").compactMap {
                        RunStatus(rawValue: String($0))
                    })
            }
        }
    }

    /// The present accounts most in need of a look, at most `limit`: those whose credit ends soonest first, then
    /// the lowest available balances.
    ///
    /// SQLite picks them with one pass over the current versions and a bounded sort (`LIMIT`), so the cost grows
    /// with the ledger but the memory with `limit` only.
    /// - Parameters:
    ///   - limit: The most accounts returned.
    ///   - now: The instant days until a credit end are counted from.
    ///   - creditWithinDays: Only accounts whose credit ends within this many days (or has ended).
    /// - Throws: ``QueryError`` when the store fails.
    public func watchedAccounts(
        limit: Int, now: Instant, creditWithinDays: Int? = nil
    ) throws(QueryError)
        -> [WatchedAccount]
    {
        guard limit > 0 else { return [] }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), v.unit, v.available_balance_whole, v.available_balance_nanos,
                           v.credit_limit_whole, v.credit_limit_nanos,
                           julianday(substr(d.credit_end_time, 1, 10)) - julianday(?1 / 1000.0, 'unixepoch')
                               AS credit_days,
                           unixepoch(substr(d.credit_end_time, 1, 19)) AS credit_end_seconds
                    FROM balance_version v
                    JOIN account a ON a.id = v.account_id
                    JOIN source_instance s ON s.id = a.source_id
                    LEFT JOIN dms_credit_detail d ON d.version_id = v.id
                    WHERE v.valid_to IS NULL AND v.superseded_at IS NULL AND v.state = 'present'
                      AND (?3 IS NULL OR credit_days <= ?3)
                    ORDER BY credit_days IS NULL, credit_days, v.available_balance_whole IS NULL,
                             v.available_balance_whole, v.available_balance_nanos, a.id
                    LIMIT ?2
                    """, arguments: [now.millisecondsSinceEpoch, limit, creditWithinDays]
            ).map { row in
                WatchedAccount(
                    account: try Self.accountRef(row), unit: try MoneyUnit(row["unit"]),
                    availableBalance: StoredDetails.amount(row, "available_balance"),
                    creditLimit: StoredDetails.amount(row, "credit_limit"), creditEndsInDays: row["credit_days"],
                    creditEndsAt: (row["credit_end_seconds"] as Int64?).map {
                        Instant(millisecondsSinceEpoch: $0 * 1000)
                    })
            }
        }
    }
}
