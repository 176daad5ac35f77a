import GRDB
import LedgerCore

/// The instant a balance question is asked at.
public struct AsOf: Sendable, Equatable {
    /// The valid-time instant (`nil`: the latest valid time).
    public var valid: Instant?
    /// The recorded-time instant (`nil`: what the ledger knows now).
    public var recorded: Instant?

    /// Instants on each axis; `nil` is now.
    public init(valid: Instant? = nil, recorded: Instant? = nil) {
        self.valid = valid
        self.recorded = recorded
    }

    /// The current balances: latest valid time, current knowledge.
    public static let now = AsOf()

    /// As of an instant on one axis.
    public static func at(_ instant: Instant, on axis: TimeAxis) -> AsOf {
        axis == .valid ? AsOf(valid: instant) : AsOf(recorded: instant)
    }
}

extension LedgerReader {
    static let versionColumns = """
        v.id AS version_id, v.state, v.unit, v.available_balance_whole, v.available_balance_nanos,
        v.credit_limit_whole, v.credit_limit_nanos, v.used_whole, v.used_nanos, v.frozen_whole, v.frozen_nanos,
        v.total_available_whole, v.total_available_nanos, v.overdue_whole, v.overdue_nanos, v.valid_from, v.valid_to, v.recorded_at, v.superseded_at,
        v.source_modified_at, v.observed_at, v.flagged, v.run_id
        """

    /// The subquery choosing, for account `a`, the version that answers `asOf`, and a condition on that version.
    ///
    /// On valid time the answer is the live version whose interval holds the instant. On recorded time it is,
    /// among the rows the ledger held at that instant (recorded by then, not yet superseded), the one with the
    /// latest valid-from (at or before the valid instant, when one is given).
    static func versionPick(_ asOf: AsOf) -> (subquery: String, condition: String?, arguments: StatementArguments) {
        switch (asOf.valid, asOf.recorded) {
        case (nil, nil):
            return (
                "SELECT id FROM balance_version WHERE account_id = a.id AND valid_to IS NULL AND superseded_at IS NULL",
                nil, []
            )
        case (let valid?, nil):
            let t = valid.millisecondsSinceEpoch
            return (
                """
                SELECT id FROM balance_version WHERE account_id = a.id AND superseded_at IS NULL AND valid_from <= ?
                ORDER BY valid_from DESC LIMIT 1
                """, "(v.valid_to IS NULL OR v.valid_to > ?)", [t, t]
            )
        case (let valid, let recorded?):
            let r = recorded.millisecondsSinceEpoch
            var arguments: StatementArguments = [r, r]
            var sql = """
                SELECT id FROM balance_version WHERE account_id = a.id AND recorded_at <= ?
                AND (superseded_at IS NULL OR superseded_at > ?)
                """
            if let valid {
                sql += " AND valid_from <= ?"
                arguments += [valid.millisecondsSinceEpoch]
            }
            sql += " ORDER BY valid_from DESC, recorded_at DESC LIMIT 1"
            return (sql, nil, arguments)
        }
    }

    /// Every selected account's balance as of an instant, in (source, account key) order.
    ///
    /// - Parameters:
    ///   - asOf: The instant on valid and/or recorded time; ``AsOf/now`` for current balances.
    ///   - filter: Sources, kinds, accounts, name pattern, units (``QueryFilter/from`` and `to` are not used).
    ///   - page: The page size and the cursor from the previous page.
    /// - Returns: One row per account that had a version then (an account gone by then shows state `gone`).
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func balances(
        asOf: AsOf = .now, filter: QueryFilter = QueryFilter(), page: PageRequest = PageRequest()
    )
        throws(QueryError) -> Page<BalanceRow>
    {
        try read { db in
            var conditions = try accountConditions(db, filter)
            let pick = Self.versionPick(asOf)
            conditions.prepend(pick)
            conditions.add(in: "v.unit", filter.units)
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "balances", count: 2)
                conditions.addAccountKeyset(exact: "(s.name, a.account_key) > (?, ?)", [key[0], key[1]])
            }
            let rows = try db.fetchAll(
                sql: """
                    SELECT \(Self.accountColumns), \(Self.versionColumns)
                    FROM \(Self.sourceAccountJoin(filter))
                    JOIN balance_version AS v ON v.id = (\(pick.subquery))
                    \(conditions.whereSQL)
                    ORDER BY s.name, a.account_key LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1], Self.balanceRow)
            return PageCursor.page(rows, limit: page.limit, query: "balances") {
                [$0.account.source, $0.account.key]
            }
        }
    }

    /// The versions of the selected accounts in (source, account, valid-from) order: each account's history.
    ///
    /// - Parameters:
    ///   - filter: Which accounts; ``QueryFilter/from`` / `to` bound the valid-from of the versions shown.
    ///   - includeSuperseded: Also show rows that later knowledge replaced (a late arrival split them).
    ///   - page: The page size and cursor.
    /// - Returns: The versions, oldest first within each account.
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func history(
        filter: QueryFilter = QueryFilter(), includeSuperseded: Bool = false, page: PageRequest = PageRequest()
    ) throws(QueryError) -> Page<BalanceRow> {
        try read { db in
            var conditions = try accountConditions(db, filter)
            if !includeSuperseded { conditions.add("v.superseded_at IS NULL") }
            conditions.add(in: "v.unit", filter.units)
            if let from = filter.from { conditions.add("v.valid_from >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("v.valid_from < ?", [to.millisecondsSinceEpoch]) }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "history", count: 4)
                conditions.addAccountKeyset(
                    exact: "(s.name, a.account_key, v.valid_from, v.id) > (?, ?, ?, ?)",
                    [key[0], key[1], try PageCursor.int(key[2], after), try PageCursor.int(key[3], after)])
            }
            let rows = try db.fetchAll(
                sql: """
                    SELECT \(Self.accountColumns), \(Self.versionColumns)
                    FROM \(Self.sourceAccountJoin(filter))
                    JOIN balance_version AS v ON v.account_id = a.id
                    \(conditions.whereSQL)
                    ORDER BY s.name, a.account_key, v.valid_from, v.id LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1], Self.balanceRow)
            return PageCursor.page(rows, limit: page.limit, query: "history") {
                [$0.account.source, $0.account.key, String($0.validFrom.millisecondsSinceEpoch), String($0.versionID)]
            }
        }
    }

    /// What changed in `[filter.from, filter.to)` on one time axis: each version that started then (valid time) or
    /// was learned then (recorded time), beside the version it followed, with the change in available balance.
    ///
    /// - Parameters:
    ///   - axis: Valid time (changes at the source) or recorded time (changes in what the ledger knew).
    ///   - filter: Accounts, units and the window.
    ///   - page: The page size and cursor.
    /// - Returns: Changes in (time, version) order.
    /// - Throws: ``QueryError`` for an unknown source or account, conflicting filters, or a bad cursor.
    public func changes(
        axis: TimeAxis = .valid, filter: QueryFilter = QueryFilter(), page: PageRequest = PageRequest()
    )
        throws(QueryError) -> Page<ChangeRow>
    {
        try read { db in
            var conditions = try accountConditions(db, filter)
            let (time, previous, condition) = (axis.timeColumn, axis.previousVersionSQL, axis.newsCondition)
            conditions.add(condition)
            if let from = filter.from { conditions.add("\(time) >= ?", [from.millisecondsSinceEpoch]) }
            if let to = filter.to { conditions.add("\(time) < ?", [to.millisecondsSinceEpoch]) }
            if !filter.units.isEmpty {
                let marks = Array(repeating: "?", count: filter.units.count).joined(separator: ", ")
                conditions.add("(v.unit IN (\(marks)) OR p.unit IN (\(marks)))", filter.units + filter.units)
            }
            if let after = page.after {
                let key = try PageCursor.decode(after, query: "changes-\(axis.rawValue)", count: 2)
                conditions.add(
                    "(\(time), v.id) > (?, ?)", [try PageCursor.int(key[0], after), try PageCursor.int(key[1], after)])
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.accountColumns), \(time) AS at, v.id AS version_id, v.state, v.unit,
                        v.available_balance_whole, v.available_balance_nanos, p.id AS previous_id,
                        p.state AS previous_state, p.unit AS previous_unit,
                        p.available_balance_whole AS previous_balance_whole, p.available_balance_nanos AS previous_balance_nanos
                    FROM \(Self.sourceAccountJoin(filter))
                    JOIN balance_version AS v ON v.account_id = a.id
                    LEFT JOIN balance_version AS p ON p.id = (\(previous))
                    \(conditions.whereSQL)
                    ORDER BY \(time), v.id LIMIT ?
                    """, arguments: conditions.arguments + [page.limit + 1])
            let changes = try rows.map { row in
                let before = StoredDetails.amount(row, "previous_balance")
                let after = StoredDetails.amount(row, "available_balance")
                let unitBefore = try (row["previous_unit"] as String?).map { name throws in try MoneyUnit(name) }
                let unitAfter = try (row["unit"] as String?).map { name throws in try MoneyUnit(name) }
                var delta: FixedDecimal?
                if let before, let after, unitBefore == unitAfter { delta = try after.subtracting(before) }
                return ChangeRow(
                    account: try Self.accountRef(row), at: Instant(millisecondsSinceEpoch: row["at"]),
                    versionID: row["version_id"], previousVersionID: row["previous_id"],
                    stateBefore: row["previous_state"], stateAfter: row["state"], unitBefore: unitBefore,
                    unitAfter: unitAfter, before: before, after: after, delta: delta)
            }
            return PageCursor.page(changes, limit: page.limit, query: "changes-\(axis.rawValue)") {
                [String($0.at.millisecondsSinceEpoch), String($0.versionID)]
            }
        }
    }

    /// The sum of available balances (and of credit limits and used amounts) per source and unit as of an
    /// instant. Amounts of different units are never added together; gone accounts are not counted.
    ///
    /// - Parameters:
    ///   - asOf: The instant, as for ``balances(asOf:filter:page:)``.
    ///   - filter: Sources, kinds, accounts, name pattern, units.
    /// - Returns: One row per (source, unit), ordered by source then unit.
    /// - Throws: ``QueryError`` for an unknown source or account or conflicting filters; a sum beyond the
    ///   store's range is a store error, never a rounded figure.
    public func totals(asOf: AsOf = .now, filter: QueryFilter = QueryFilter()) throws(QueryError) -> [TotalRow] {
        try read { db in
            var conditions = try accountConditions(db, filter)
            let pick = Self.versionPick(asOf)
            conditions.prepend(pick)
            conditions.add("v.state = 'present'")
            conditions.add(in: "v.unit", filter.units)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name AS source, s.kind, v.unit, count(*) AS accounts,
                        sum(coalesce(v.available_balance_whole, 0)) AS available_whole,
                        sum(coalesce(v.available_balance_nanos, 0)) AS available_nanos,
                        sum(v.credit_limit_whole) AS credit_whole, sum(v.credit_limit_nanos) AS credit_nanos,
                        sum(v.used_whole) AS used_whole, sum(v.used_nanos) AS used_nanos
                    FROM \(Self.sourceAccountJoin(filter))
                    JOIN balance_version AS v ON v.id = (\(pick.subquery))
                    \(conditions.whereSQL)
                    GROUP BY s.name, v.unit ORDER BY s.name, v.unit
                    """, arguments: conditions.arguments
            ).map { row in
                TotalRow(
                    source: row["source"],
                    kind: try StoredEnum.decode(SourceKind.self, row, "kind", table: "source_instance"),
                    unit: try MoneyUnit(row["unit"] as String),
                    accounts: row["accounts"], availableBalance: try Self.sum(row, "available") ?? .zero,
                    creditLimit: try Self.sum(row, "credit"), used: try Self.sum(row, "used"))
            }
        }
    }

    /// An exact total from SQL sums of an amount's two stored parts (`<name>_whole`, `<name>_nanos`); `nil` when
    /// no row had the amount.
    static func sum(_ row: Row, _ name: String) throws -> FixedDecimal? {
        guard let whole = row[name + "_whole"] as Int64?, let nanos = row[name + "_nanos"] as Int64? else { return nil }
        return try FixedDecimal(summingWhole: whole, nanos: nanos)
    }

    /// A row of `SELECT accountColumns, versionColumns`, read by column index: the name lookups GRDB would do per
    /// cell (a lowercased copy of each name) were the largest cost of a page (profiled with perf on `serve`).
    static func balanceRow(_ row: StatementColumns) throws(StoreError) -> BalanceRow {
        func amount(_ whole: Int32) -> FixedDecimal? {
            guard let w = row.optionalInt64(whole), let n = row.optionalInt64(whole + 1) else { return nil }
            return try? FixedDecimal(whole: w, nanos: n)
        }
        func instant(_ index: Int32) -> Instant? { row.optionalInt64(index).map(Instant.init(millisecondsSinceEpoch:)) }
        return BalanceRow(
            account: AccountRef(
                accountID: row.int64(0), source: row.text(1),
                kind: try StoredEnum.decode(SourceKind.self, row.text(2), table: "account", column: "kind"),
                key: row.text(3), displayName: row.optionalText(4)),
            versionID: row.int64(5),
            state: try StoredEnum.decode(VersionState.self, row.text(6), table: "balance_version", column: "state"),
            unit: row.optionalText(7).flatMap { try? MoneyUnit($0) },
            availableBalance: amount(8), creditLimit: amount(10), used: amount(12), frozen: amount(14),
            totalAvailable: amount(16), overdue: amount(18), validFrom: Instant(millisecondsSinceEpoch: row.int64(20)),
            validTo: instant(21), recordedAt: Instant(millisecondsSinceEpoch: row.int64(22)), supersededAt: instant(23),
            sourceModifiedAt: instant(24), observedAt: Instant(millisecondsSinceEpoch: row.int64(25)),
            flagged: row.bool(26), runID: row.optionalInt64(27))
    }
}

extension TimeAxis {
    /// The column of version `v` that places a change on this axis.
    package var timeColumn: String { self == .valid ? "v.valid_from" : "v.recorded_at" }

    /// The subquery of the version that version `v` followed on this axis (standard SQL both stores run as it is).
    package var previousVersionSQL: String {
        switch self {
        case .valid:
            """
            SELECT id FROM balance_version WHERE account_id = v.account_id AND superseded_at IS NULL
            AND valid_from < v.valid_from ORDER BY valid_from DESC LIMIT 1
            """
        case .recorded:
            """
            SELECT id FROM balance_version WHERE account_id = v.account_id AND id <> v.id
            AND valid_from < v.valid_from AND recorded_at <= v.recorded_at
            AND (superseded_at IS NULL OR superseded_at > v.recorded_at) ORDER BY valid_from DESC LIMIT 1
            """
        }
    }

    /// Which versions `v` are changes on this axis: live ones on valid time; on recorded time, all but a copy
    /// written when a late arrival split a version (it is not news).
    package var newsCondition: String {
        switch self {
        case .valid:
            "v.superseded_at IS NULL"
        case .recorded:
            """
            NOT EXISTS (SELECT 1 FROM balance_version AS o WHERE o.account_id = v.account_id
            AND o.valid_from = v.valid_from AND o.superseded_at = v.recorded_at AND o.content_hash = v.content_hash)
            """
        }
    }
}
