import GRDB
import LedgerCore

extension LedgerReader {
    /// Conflicts the sync recorded on gmtModified, oldest first.
    ///
    /// - Parameters:
    ///   - filter: Accounts; ``QueryFilter/from`` / `to` bound the detection time.
    ///   - kinds: Conflict kinds to keep (`late_arrival`, `stale`, `same_timestamp_different_content`,
    ///     `clock_skew`); empty for all.
    ///   - page: The page size and cursor.
    /// - Returns: Each conflict with both timestamps and both contents.
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func conflicts(
        filter: QueryFilter = QueryFilter(), kinds: [String] = [], page: PageRequest = PageRequest()
    )
        throws(QueryError) -> Page<ConflictRow>
    {
        try read { db in
            var conditions = try accountConditions(db, filter)
            conditions.add(in: "c.kind", kinds)
            if let from = filter.from { conditions.add("c.detected_at >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("c.detected_at < ?", [to.millisecondsSinceEpoch]) }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "conflicts", count: 1)
                conditions.add("c.id > ?", [try PageCursor.int(key[0], after)])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), c.*, c.kind AS conflict_kind
                    FROM conflict AS c JOIN account AS a ON a.id = c.account_id JOIN source_instance AS s ON s.id = a.source_id
                    \(conditions.whereSQL) ORDER BY c.id LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1])
            let conflicts = try rows.map { row in
                ConflictRow(
                    id: row["id"], account: try Self.accountRef(row), kind: row["conflict_kind"],
                    resolution: row["resolution"],
                    storedVersionID: row["stored_version_id"],
                    storedValidFrom: (row["stored_valid_from"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    storedContent: row["stored_content"],
                    incomingValidFrom: Instant(millisecondsSinceEpoch: row["incoming_valid_from"]),
                    incomingContent: row["incoming_content"],
                    detectedAt: Instant(millisecondsSinceEpoch: row["detected_at"]), runID: row["run_id"])
            }
            return PageCursor.page(conflicts, limit: page.limit, query: "conflicts") { [String($0.id)] }
        }
    }

    /// Sync runs, newest first, with counts summed over the selected sources.
    ///
    /// - Parameters:
    ///   - filter: Sources and kinds (a run is listed if it touched one of them); `from` / `to` bound its start.
    ///   - page: The page size and cursor.
    /// - Returns: The runs.
    /// - Throws: ``QueryError`` for an unknown source, conflicting filters, or a bad cursor.
    public func runs(
        filter: QueryFilter = QueryFilter(), page: PageRequest = PageRequest()
    ) throws(QueryError)
        -> Page<RunRow>
    {
        try read { db in
            try filter.validateForRuns()
            _ = try accountConditions(db, filter)
            var scope = SQLConditions()
            scope.add(in: "s.name", filter.sources)
            scope.add(in: "s.kind", filter.kinds.map(\.rawValue))
            var conditions = SQLConditions()
            conditions.arguments = scope.arguments
            if !scope.clauses.isEmpty { conditions.add("c.run_id IS NOT NULL") }
            if let from = filter.from { conditions.add("r.started_at >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("r.started_at < ?", [to.millisecondsSinceEpoch]) }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "runs", count: 1)
                conditions.add("r.id < ?", [try PageCursor.int(key[0], after)])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, c.sources, c.targets, c.versions_added, c.unchanged, c.gone, c.conflicts, c.errors,
                        c.quarantined, c.log_entries
                    FROM sync_run AS r
                    LEFT JOIN (SELECT x.run_id, count(*) AS sources, sum(x.targets) AS targets,
                            sum(x.versions_added) AS versions_added, sum(x.unchanged) AS unchanged, sum(x.gone) AS gone,
                            sum(x.conflicts) AS conflicts, sum(x.errors) AS errors, sum(x.quarantined) AS quarantined,
                            sum(x.log_entries) AS log_entries
                        FROM sync_run_source AS x JOIN source_instance AS s ON s.id = x.source_id
                        \(scope.whereSQL) GROUP BY x.run_id) AS c ON c.run_id = r.id
                    \(conditions.whereSQL) ORDER BY r.id DESC LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1])
            let runs = rows.map { row in
                RunRow(
                    id: row["id"], startedAt: Instant(millisecondsSinceEpoch: row["started_at"]),
                    endedAt: (row["ended_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                    status: row["status"], mode: row["mode"], sources: row["sources"] ?? 0,
                    targets: row["targets"] ?? 0, versionsAdded: row["versions_added"] ?? 0,
                    unchanged: row["unchanged"] ?? 0, gone: row["gone"] ?? 0, conflicts: row["conflicts"] ?? 0,
                    errors: row["errors"] ?? 0, quarantined: row["quarantined"] ?? 0,
                    logEntries: row["log_entries"] ?? 0, message: row["message"])
            }
            return PageCursor.page(runs, limit: page.limit, query: "runs") { [String($0.id)] }
        }
    }

    /// Failed fetches and quarantined payloads, in time order.
    ///
    /// - Parameters:
    ///   - filter: Sources, kinds, accounts; `from` / `to` bound the time it happened.
    ///   - runID: Only those of one run.
    ///   - page: The page size and cursor.
    /// - Returns: Both kinds of record in one list, told apart by ``ErrorRow/type``.
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func errors(
        filter: QueryFilter = QueryFilter(), runID: Int64? = nil, page: PageRequest = PageRequest()
    )
        throws(QueryError) -> Page<ErrorRow>
    {
        try read { db in
            // Errors need not belong to a known account: the kind is the source's, the account a LEFT JOIN.
            var conditions = try accountConditions(db, filter, kindColumn: "s.kind")
            if let runID { conditions.add("e.run_id = ?", [runID]) }
            if let from = filter.from { conditions.add("e.occurred_at >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("e.occurred_at < ?", [to.millisecondsSinceEpoch]) }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "errors", count: 3)
                conditions.add(
                    "(e.occurred_at, e.type, e.id) > (?, ?, ?)",
                    [try PageCursor.int(key[0], after), key[1], try PageCursor.int(key[2], after)])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.*, s.name AS source, a.account_key FROM (
                        SELECT 'fetch_error' AS type, id, run_id, source_id, account_id, target, kind, http_status, message,
                            occurred_at FROM fetch_error
                        UNION ALL
                        SELECT 'quarantine', id, run_id, source_id, account_id, target, 'quarantined', NULL, reason,
                            occurred_at FROM quarantine) AS e
                    JOIN source_instance AS s ON s.id = e.source_id LEFT JOIN account AS a ON a.id = e.account_id
                    \(conditions.whereSQL)
                    ORDER BY e.occurred_at, e.type, e.id LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1])
            let errors = rows.map { row in
                ErrorRow(
                    type: row["type"], id: row["id"], runID: row["run_id"], source: row["source"],
                    accountKey: row["account_key"], target: row["target"], kind: row["kind"],
                    httpStatus: row["http_status"], message: row["message"],
                    occurredAt: Instant(millisecondsSinceEpoch: row["occurred_at"]))
            }
            return PageCursor.page(errors, limit: page.limit, query: "errors") {
                [String($0.occurredAt.millisecondsSinceEpoch), $0.type, String($0.id)]
            }
        }
    }

    /// ModelRouter balance-log entries (movements), in time order.
    ///
    /// - Parameters:
    ///   - filter: Accounts and units; `from` / `to` bound the entry's gmtCreate.
    ///   - page: The page size and cursor.
    /// - Returns: The movements.
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func movements(
        filter: QueryFilter = QueryFilter(), page: PageRequest = PageRequest()
    ) throws(QueryError)
        -> Page<MovementRow>
    {
        try read { db in
            var conditions = try accountConditions(db, filter)
            conditions.add(in: "l.unit", filter.units)
            if let from = filter.from { conditions.add("l.gmt_create >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("l.gmt_create < ?", [to.millisecondsSinceEpoch]) }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "movements", count: 2)
                conditions.add(
                    "(l.gmt_create, l.id) > (?, ?)",
                    [try PageCursor.int(key[0], after), try PageCursor.int(key[1], after)])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), l.*
                    FROM modelrouter_balance_log AS l JOIN account AS a ON a.id = l.account_id
                    JOIN source_instance AS s ON s.id = a.source_id
                    \(conditions.whereSQL) ORDER BY l.gmt_create, l.id LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1])
            let movements = try rows.map(Self.movementRow)
            return PageCursor.page(movements, limit: page.limit, query: "movements") {
                [String($0.at.millisecondsSinceEpoch), String($0.id)]
            }
        }
    }
}
