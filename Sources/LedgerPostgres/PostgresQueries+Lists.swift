import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresQueries {
    static let versionColumns = """
        v.id, v.state, v.unit, v.available_balance_whole, v.available_balance_nanos, v.credit_limit_whole,
        v.credit_limit_nanos, v.used_whole, v.used_nanos, v.frozen_whole, v.frozen_nanos, v.total_available_whole,
        v.total_available_nanos, v.overdue_whole, v.overdue_nanos, v.valid_from, v.valid_to, v.recorded_at,
        v.superseded_at, v.source_modified_at, v.observed_at, v.flagged, v.run_id
        """

    /// The order of accounts everywhere: source name, then account key, by bytes.
    static let accountOrder = #"s.name COLLATE "C", a.account_key COLLATE "C""#

    /// The subquery choosing, for account `a`, the version that answers `asOf` (``LedgerReader``'s rule), and a
    /// condition on that version.
    static func versionPick(_ asOf: AsOf, _ sql: inout SQLBuilder) -> (subquery: String, condition: String?) {
        switch (asOf.valid, asOf.recorded) {
        case (nil, nil):
            return (
                "SELECT id FROM balance_version WHERE account_id = a.id AND valid_to IS NULL AND superseded_at IS NULL",
                nil
            )
        case (let valid?, nil):
            let t = sql.bind(valid.millisecondsSinceEpoch)
            return (
                """
                SELECT id FROM balance_version WHERE account_id = a.id AND superseded_at IS NULL AND valid_from <= \(t)
                ORDER BY valid_from DESC LIMIT 1
                """, "(v.valid_to IS NULL OR v.valid_to > \(t))"
            )
        case (let valid, let recorded?):
            let r = sql.bind(recorded.millisecondsSinceEpoch)
            var subquery = """
                SELECT id FROM balance_version WHERE account_id = a.id AND recorded_at <= \(r)
                AND (superseded_at IS NULL OR superseded_at > \(r))
                """
            if let valid { subquery += " AND valid_from <= \(sql.bind(valid.millisecondsSinceEpoch))" }
            subquery += " ORDER BY valid_from DESC, recorded_at DESC LIMIT 1"
            return (subquery, nil)
        }
    }

    public func balances(
        asOf: AsOf, filter: QueryFilter, page: PageRequest
    ) async throws(QueryError)
        -> Page<BalanceRow>
    {
        let after = try page.after.map { cursor throws(QueryError) in
            try PageCursor.decode(cursor, query: "balances", count: 2)
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            let pick = Self.versionPick(asOf, &sql)
            if let condition = pick.condition { sql.condition(condition) }
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            if !filter.units.isEmpty { sql.condition("v.unit = ANY(\(sql.bind(filter.units)))") }
            if let after {
                sql.condition(
                    #"(s.name COLLATE "C", a.account_key COLLATE "C") > (\#(sql.bind(after[0])), \#(sql.bind(after[1])))"#
                )
            }
            sql.head = """
                SELECT \(Self.accountColumns), \(Self.versionColumns)
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                JOIN balance_version AS v ON v.id = (\(pick.subquery))
                """
            sql.tail = "ORDER BY \(Self.accountOrder) LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let rows = try await Self.rows(connection, sql, logger: logger).map(Self.balanceRow)
            return PageCursor.page(rows, limit: page.limit, query: "balances") { [$0.account.source, $0.account.key] }
        }
    }

    public func history(
        filter: QueryFilter, includeSuperseded: Bool, page: PageRequest
    ) async throws(QueryError) -> Page<BalanceRow> {
        let key = try page.after.map { cursor throws(QueryError) in
            let key = try PageCursor.decode(cursor, query: "history", count: 4)
            return (key[0], key[1], try PageCursor.int(key[2], cursor), try PageCursor.int(key[3], cursor))
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            if !includeSuperseded { sql.condition("v.superseded_at IS NULL") }
            if !filter.units.isEmpty { sql.condition("v.unit = ANY(\(sql.bind(filter.units)))") }
            if let from = filter.from { sql.condition("v.valid_from >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("v.valid_from < \(sql.bind(to.millisecondsSinceEpoch))") }
            if let key {
                let (source, account, validFrom, id) = (
                    sql.bind(key.0), sql.bind(key.1), sql.bind(key.2), sql.bind(key.3)
                )
                sql.condition(
                    #"(s.name COLLATE "C", a.account_key COLLATE "C", v.valid_from, v.id) > (\#(source), \#(account), \#(validFrom), \#(id))"#
                )
            }
            sql.head = """
                SELECT \(Self.accountColumns), \(Self.versionColumns)
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                JOIN balance_version AS v ON v.account_id = a.id
                """
            sql.tail = "ORDER BY \(Self.accountOrder), v.valid_from, v.id LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let rows = try await Self.rows(connection, sql, logger: logger).map(Self.balanceRow)
            return PageCursor.page(rows, limit: page.limit, query: "history") {
                [$0.account.source, $0.account.key, String($0.validFrom.millisecondsSinceEpoch), String($0.versionID)]
            }
        }
    }

    public func changes(
        axis: TimeAxis, filter: QueryFilter, page: PageRequest
    ) async throws(QueryError)
        -> Page<ChangeRow>
    {
        let key = try page.after.map { cursor throws(QueryError) in
            let key = try PageCursor.decode(cursor, query: "changes-\(axis.rawValue)", count: 2)
            return (try PageCursor.int(key[0], cursor), try PageCursor.int(key[1], cursor))
        }
        return try await read { connection, logger in
            var sql = SQLBuilder("")
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            let (time, previous) = (axis.timeColumn, axis.previousVersionSQL)
            sql.condition(axis.newsCondition)
            if let from = filter.from { sql.condition("\(time) >= \(sql.bind(from.millisecondsSinceEpoch))") }
            if let to = filter.to { sql.condition("\(time) < \(sql.bind(to.millisecondsSinceEpoch))") }
            if !filter.units.isEmpty {
                let units = sql.bind(filter.units)
                sql.condition("(v.unit = ANY(\(units)) OR p.unit = ANY(\(units)))")
            }
            if let key { sql.condition("(\(time), v.id) > (\(sql.bind(key.0)), \(sql.bind(key.1)))") }
            sql.head = """
                SELECT \(Self.accountColumns), \(time), v.id, v.state, v.unit, v.available_balance_whole,
                    v.available_balance_nanos, p.id, p.state, p.unit, p.available_balance_whole, p.available_balance_nanos
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                JOIN balance_version AS v ON v.account_id = a.id
                LEFT JOIN balance_version AS p ON p.id = (\(previous))
                """
            sql.tail = "ORDER BY \(time), v.id LIMIT \(sql.bind(Int64(page.limit) + 1))"
            let changes = try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                let before = try cells.amount(14)
                let after = try cells.amount(9)
                let unitBefore = try cells.optionalText(13).map { name throws in try MoneyUnit(name) }
                let unitAfter = try cells.optionalText(8).map { name throws in try MoneyUnit(name) }
                var delta: FixedDecimal?
                if let before, let after, unitBefore == unitAfter { delta = try after.subtracting(before) }
                return ChangeRow(
                    account: try Self.accountRef(row), at: try cells.instant(5), versionID: try cells.int(6),
                    previousVersionID: try cells.optionalInt(11),
                    stateBefore: try cells.optionalText(12).map { text throws in
                        try Self.enumValue(VersionState.self, text, "balance_version.state")
                    },
                    stateAfter: try cells.decode(VersionState.self, 7, "balance_version.state"),
                    unitBefore: unitBefore, unitAfter: unitAfter, before: before, after: after, delta: delta)
            }
            return PageCursor.page(changes, limit: page.limit, query: "changes-\(axis.rawValue)") {
                [String($0.at.millisecondsSinceEpoch), String($0.versionID)]
            }
        }
    }

    public func totals(asOf: AsOf, filter: QueryFilter) async throws(QueryError) -> [TotalRow] {
        try await read { connection, logger in
            var sql = SQLBuilder("")
            let pick = Self.versionPick(asOf, &sql)
            if let condition = pick.condition { sql.condition(condition) }
            try await Self.accountConditions(connection, filter, into: &sql, logger: logger)
            sql.condition("v.state = 'present'")
            if !filter.units.isEmpty { sql.condition("v.unit = ANY(\(sql.bind(filter.units)))") }
            // Sums as bigint: one beyond its range is an error, as in SQLite, never a rounded figure.
            sql.head = """
                SELECT s.name, s.kind, v.unit, count(*),
                    sum(coalesce(v.available_balance_whole, 0))::bigint, sum(coalesce(v.available_balance_nanos, 0))::bigint,
                    sum(v.credit_limit_whole)::bigint, sum(v.credit_limit_nanos)::bigint,
                    sum(v.used_whole)::bigint, sum(v.used_nanos)::bigint
                FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
                JOIN balance_version AS v ON v.id = (\(pick.subquery))
                """
            sql.tail = #"GROUP BY s.name, s.kind, v.unit ORDER BY s.name COLLATE "C", v.unit COLLATE "C""#
            return try await Self.rows(connection, sql, logger: logger).map { row in
                let cells = Cells(row)
                func sum(_ index: Int) throws -> FixedDecimal? {
                    guard let whole = try cells.optionalInt(index), let nanos = try cells.optionalInt(index + 1) else {
                        return nil
                    }
                    return try FixedDecimal(summingWhole: whole, nanos: nanos)
                }
                return TotalRow(
                    source: try cells.text(0), kind: try cells.decode(SourceKind.self, 1, "source_instance.kind"),
                    unit: try MoneyUnit(try cells.text(2)), accounts: Int(try cells.int(3)),
                    availableBalance: try sum(4) ?? .zero, creditLimit: try sum(6), used: try sum(8))
            }
        }
    }

    public func unitScales() async throws(QueryError) -> UnitScales {
        try await read { connection, logger in
            var scales: [MoneyUnit: Int] = [:]
            for try await (unit, scale) in try await connection.query(
                "SELECT unit, scale FROM unit_scale", logger: logger
            ).decode((String, Int32).self) {
                scales[try MoneyUnit(unit)] = Int(scale)
            }
            return UnitScales(scales)
        }
    }

    static func balanceRow(_ row: PostgresRandomAccessRow) throws -> BalanceRow {
        let cells = Cells(row)
        return BalanceRow(
            account: try accountRef(row), versionID: try cells.int(5),
            state: try cells.decode(VersionState.self, 6, "balance_version.state"),
            unit: try cells.optionalText(7).flatMap { try? MoneyUnit($0) },
            availableBalance: try cells.amount(8), creditLimit: try cells.amount(10), used: try cells.amount(12),
            frozen: try cells.amount(14), totalAvailable: try cells.amount(16), overdue: try cells.amount(18),
            validFrom: try cells.instant(20), validTo: try cells.optionalInstant(21), recordedAt: try cells.instant(22),
            supersededAt: try cells.optionalInstant(23), sourceModifiedAt: try cells.optionalInstant(24),
            observedAt: try cells.instant(25), flagged: try cells.bool(26), runID: try cells.optionalInt(27))
    }

    static func enumValue<T: RawRepresentable>(_ type: T.Type, _ text: String, _ column: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw StoreError(.invalidData("\(column) holds '\(text)', which this build does not know"))
        }
        return value
    }
}
