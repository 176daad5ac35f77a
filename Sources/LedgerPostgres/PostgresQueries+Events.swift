import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresQueries {
    public func conflicts(
        filter: QueryFilter, kinds: [String], page: PageRequest
    ) async throws(QueryError)
        -> Page<ConflictRow>
    {
        let after = try page.after.map { cursor throws(QueryError) in
            try PageCursor.int(try PageCursor.decode(cursor, query: "conflicts", count: 1)[0], cursor)
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            if !kinds.isEmpty { sql.condition("c.kind = ANY(\(sql.bind(kinds)))") }
            if let from = filter.from { sql.condition("c.detected_at >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("c.detected_at < \(sql.bind(to.millisecondsSinceEpoch))") }
            if let after { sql.condition("c.id > \(sql.bind(after))") }
            sql.head = """
                SELECT \(Self.accountColumns), c.id, c.kind, c.resolution, c.stored_version_id, c.stored_valid_from,
                    c.stored_content, c.incoming_valid_from, c.incoming_content, c.detected_at, c.run_id
                FROM conflict AS c JOIN account AS a ON a.id = c.account_id JOIN source_instance AS s ON s.id = a.source_id
                """
            sql.tail = "ORDER BY c.id LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let conflicts = try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                return ConflictRow(
                    id: try cells.int(5), account: try Self.accountRef(row),
                    kind: try cells.decode(ConflictKind.self, 6, "conflict.kind"),
                    resolution: try cells.decode(ConflictResolution.self, 7, "conflict.resolution"),
                    storedVersionID: try cells.optionalInt(8), storedValidFrom: try cells.optionalInstant(9),
                    storedContent: try cells.optionalText(10), incomingValidFrom: try cells.instant(11),
                    incomingContent: try cells.text(12), detectedAt: try cells.instant(13),
                    runID: try cells.optionalInt(14))
            }
            return PageCursor.page(conflicts, limit: page.limit, query: "conflicts") { [String($0.id)] }
        }
    }

    public func runs(filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<RunRow> {
        try filter.validateForRuns()
        let after = try page.after.map { cursor throws(QueryError) in
            try PageCursor.int(try PageCursor.decode(cursor, query: "runs", count: 1)[0], cursor)
        }
        return try await read { connection, logger in
            var check = SQLBuilder("")
            try await Self.accountConditions(connection, filter, into: &check, logger: logger)
            var sql = SQLBuilder("")
            var scope: [String] = []
            if !filter.sources.isEmpty { scope.append("s.name = ANY(\(sql.bind(filter.sources)))") }
            if !filter.kinds.isEmpty { scope.append("s.kind = ANY(\(sql.bind(filter.kinds.map(\.rawValue))))") }
            if !scope.isEmpty { sql.condition("c.run_id IS NOT NULL") }
            if let from = filter.from { sql.condition("r.started_at >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("r.started_at < \(sql.bind(to.millisecondsSinceEpoch))") }
            if let after { sql.condition("r.id < \(sql.bind(after))") }
            sql.head = """
                SELECT r.id, r.started_at, r.ended_at, r.status, r.mode, r.message, c.sources, c.targets,
                    c.versions_added, c.unchanged, c.gone, c.conflicts, c.errors, c.quarantined, c.log_entries
                FROM sync_run AS r
                LEFT JOIN (SELECT x.run_id, count(*) AS sources, sum(x.targets)::bigint AS targets,
                        sum(x.versions_added)::bigint AS versions_added, sum(x.unchanged)::bigint AS unchanged,
                        sum(x.gone)::bigint AS gone, sum(x.conflicts)::bigint AS conflicts,
                        sum(x.errors)::bigint AS errors, sum(x.quarantined)::bigint AS quarantined,
                        sum(x.log_entries)::bigint AS log_entries
                    FROM sync_run_source AS x JOIN source_instance AS s ON s.id = x.source_id
                    \(scope.isEmpty ? "" : "WHERE " + scope.joined(separator: " AND ")) GROUP BY x.run_id) AS c
                ON c.run_id = r.id
                """
            sql.tail = "ORDER BY r.id DESC LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let runs = try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                func count(_ index: Int) throws -> Int { Int(try cells.optionalInt(index) ?? 0) }
                return RunRow(
                    id: try cells.int(0), startedAt: try cells.instant(1), endedAt: try cells.optionalInstant(2),
                    status: try cells.decode(RunStatus.self, 3, "sync_run.status"),
                    mode: try cells.decode(RunMode.self, 4, "sync_run.mode"), sources: try count(6),
                    targets: try count(7), versionsAdded: try count(8), unchanged: try count(9), gone: try count(10),
                    conflicts: try count(11), errors: try count(12), quarantined: try count(13),
                    logEntries: try count(14), message: try cells.optionalText(5))
            }
            return PageCursor.page(runs, limit: page.limit, query: "runs") { [String($0.id)] }
        }
    }

    public func errors(
        filter: QueryFilter, runID: Int64?, page: PageRequest
    ) async throws(QueryError)
        -> Page<ErrorRow>
    {
        let key = try page.after.map { cursor throws(QueryError) in
            let key = try PageCursor.decode(cursor, query: "errors", count: 3)
            return (try PageCursor.int(key[0], cursor), key[1], try PageCursor.int(key[2], cursor))
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            // Errors need not belong to a known account: the kind is the source's, the account a LEFT JOIN.
            try await Self.accountConditions(connection, filter, into: &sql, kindColumn: "s.kind", logger: logger)
            if let runID { sql.condition("e.run_id = \(sql.bind(runID))") }
            if let from = filter.from { sql.condition("e.occurred_at >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("e.occurred_at < \(sql.bind(to.millisecondsSinceEpoch))") }
            if let key {
                sql.condition(
                    #"(e.occurred_at, e.type COLLATE "C", e.id) > (\#(sql.bind(key.0)), \#(sql.bind(key.1)), \#(sql.bind(key.2)))"#
                )
            }
            sql.head = """
                SELECT e.type, e.id, e.run_id, s.name, a.account_key, e.target, e.kind, e.http_status, e.message,
                    e.occurred_at
                FROM (
                    SELECT 'fetch_error' AS type, id, run_id, source_id, account_id, target, kind, http_status, message,
                        occurred_at FROM fetch_error
                    UNION ALL
                    SELECT 'quarantine', id, run_id, source_id, account_id, target, 'quarantined', NULL::integer, reason,
                        occurred_at FROM quarantine) AS e
                JOIN source_instance AS s ON s.id = e.source_id LEFT JOIN account AS a ON a.id = e.account_id
                """
            sql.tail = #"ORDER BY e.occurred_at, e.type COLLATE "C", e.id LIMIT \#(sql.bind(Int64(page.limit) + 1))"#
            let errors = try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                return ErrorRow(
                    type: try cells.text(0), id: try cells.int(1), runID: try cells.optionalInt(2),
                    source: try cells.text(3), accountKey: try cells.optionalText(4), target: try cells.text(5),
                    kind: try cells.text(6), httpStatus: try row[7].decode(Int32?.self).map(Int.init),
                    message: try cells.text(8), occurredAt: try cells.instant(9))
            }
            return PageCursor.page(errors, limit: page.limit, query: "errors") {
                [String($0.occurredAt.millisecondsSinceEpoch), $0.type, String($0.id)]
            }
        }
    }

    public func movements(filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<MovementRow> {
        let key = try page.after.map { cursor throws(QueryError) in
            let key = try PageCursor.decode(cursor, query: "movements", count: 2)
            return (try PageCursor.int(key[0], cursor), try PageCursor.int(key[1], cursor))
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            if !filter.units.isEmpty { sql.condition("l.unit = ANY(\(sql.bind(filter.units)))") }
            if let from = filter.from { sql.condition("l.gmt_create >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("l.gmt_create < \(sql.bind(to.millisecondsSinceEpoch))") }
            if let key { sql.condition("(l.gmt_create, l.id) > (\(sql.bind(key.0)), \(sql.bind(key.1)))") }
            sql.head = """
                SELECT \(Self.accountColumns), \(Self.movementColumns)
                FROM modelrouter_balance_log AS l JOIN account AS a ON a.id = l.account_id
                JOIN source_instance AS s ON s.id = a.source_id
                """
            sql.tail = "ORDER BY l.gmt_create, l.id LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let movements = try await Self.rows(connection, sql, logger: logger).map(Self.movementRow)
            return PageCursor.page(movements, limit: page.limit, query: "movements") {
                [String($0.at.millisecondsSinceEpoch), String($0.id)]
            }
        }
    }

    static let movementColumns = """
        l.id, l.remote_id, l.change_type, l.unit, l.change_amount_whole, l.change_amount_nanos, l.balance_before_whole,
        l.balance_before_nanos, l.balance_after_whole, l.balance_after_nanos, l.remark, l.gmt_create
        """

    /// A row of `SELECT accountColumns, movementColumns`.
    static func movementRow(_ row: PostgresRandomAccessRow) throws -> MovementRow {
        let cells = Cells(row)
        guard let amount = try cells.amount(9) else {
            throw StoreError(.invalidData("movement \(try cells.int(5)) has no valid amount"))
        }
        return MovementRow(
            id: try cells.int(5), account: try accountRef(row), remoteID: try cells.int(6),
            changeType: try cells.text(7), unit: try MoneyUnit(try cells.text(8)), amount: amount,
            balanceBefore: try cells.amount(11), balanceAfter: try cells.amount(13),
            remark: try cells.optionalText(15), at: try cells.instant(16))
    }
}
