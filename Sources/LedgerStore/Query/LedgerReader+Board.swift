import Foundation
import GRDB
import LedgerCore

/// The orders the dashboard's account table offers.
public enum BoardSort: String, Sendable, CaseIterable {
    /// Source, then account key (the ledger's own order).
    case account
    /// Unit, then available balance, lowest first: what runs out first.
    case balance
    /// Available balance, highest first, within each unit (units in reverse order: the index read backwards).
    case balanceDescending = "-balance"
    /// The latest change first.
    case changed = "-changed"
}

/// A page of the dashboard's account table: which accounts, in which order.
public struct BoardQuery: Sendable, Equatable {
    /// Text the key or the display name contains (case-insensitive); `nil` for every account.
    public var search: String?
    /// The order.
    public var sort: BoardSort
    /// Rows skipped (the page's start).
    public var offset: Int
    /// Rows on the page.
    public var limit: Int

    /// A page of `limit` rows from `offset` in `sort` order, of the accounts matching `search`.
    public init(search: String? = nil, sort: BoardSort = .account, offset: Int = 0, limit: Int = 50) {
        self.search = search
        self.sort = sort
        self.offset = max(0, offset)
        self.limit = max(1, limit)
    }
}

/// An account's current state, for the dashboard's table.
public struct BoardRow: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// Present, or gone from the source.
    public var state: VersionState
    /// The unit of its figures.
    public var unit: MoneyUnit?
    /// The available balance now.
    public var availableBalance: FixedDecimal?
    /// The credit limit, where the source has one.
    public var creditLimit: FixedDecimal?
    /// Since when the current version holds.
    public var validFrom: Instant
    /// Whether a conflict left the current version in doubt.
    public var flagged: Bool
}

/// One page of ``BoardRow``s and how many accounts match in all.
public struct BoardPage: Sendable, Equatable {
    /// The rows of the page.
    public var rows: [BoardRow]
    /// Accounts matching the search, on every page.
    public var total: Int
}

/// One live version in a window: when it began and its available balance (`nil` while gone).
public struct BoardStep: Sendable, Equatable {
    /// When the value began to hold.
    public var validFrom: Instant
    /// The available balance.
    public var availableBalance: FixedDecimal?
}

/// A stored raw response, as the source sent it.
public struct RawResponseView: Sendable, Equatable {
    /// The request's method.
    public var method: String
    /// The request's URL, with no credential in it.
    public var url: String
    /// The HTTP status.
    public var httpStatus: Int
    /// When the ledger received it.
    public var receivedAt: Instant
    /// The source's request id, if it sent one.
    public var requestID: String?
    /// The body, byte for byte.
    public var body: [UInt8]
}

/// One source's part of a run.
public struct RunSourceRow: Sendable, Equatable {
    /// The run.
    public var runID: Int64
    /// The source instance's name.
    public var source: String
    /// How its part ended.
    public var status: String
    /// The counters of its part.
    public var counts: RunCounts
}

extension LedgerReader {
    /// One page of current balances for the dashboard, in the chosen order, with the number of matching accounts.
    /// - Parameters:
    ///   - query: The search, order and page.
    ///   - knownTotal: The number of accounts with a current version, when the caller has it (``accountCount()``,
    ///     read a moment ago): without a search it is the page's total, and counting costs a scan.
    /// - Throws: ``QueryError`` when the store fails.
    public func accountBoard(_ query: BoardQuery, knownTotal: Int? = nil) throws(QueryError) -> BoardPage {
        try read { db in
            var filter = QueryFilter()
            if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
                // The user's text is taken literally: `*` and `?` are escaped before the pattern is made.
                let literal = search.replacingOccurrences(of: "*", with: "\u{0}").replacingOccurrences(
                    of: "?", with: "\u{1}")
                filter.namePattern = "*" + literal + "*"
            }
            var conditions = try accountConditions(db, filter)
            if let pattern = filter.namePattern {
                // Put the user's own `*` and `?` back as literal characters of the LIKE pattern.
                let like = Self.likePattern(pattern).replacingOccurrences(of: "\u{0}", with: "*")
                    .replacingOccurrences(of: "\u{1}", with: "?")
                conditions.arguments = StatementArguments([like, like])
            }
            // Key order walks the (source, key) index; the balance and change orders walk the partial indexes of
            // current versions (migration 0006), so a page costs its own rows, not a sort of every account.
            let select = """
                SELECT \(Self.accountColumns), v.state, v.unit, v.available_balance_whole,
                       v.available_balance_nanos, v.credit_limit_whole, v.credit_limit_nanos, v.valid_from, v.flagged
                """
            let current = "v.valid_to IS NULL AND v.superseded_at IS NULL"
            let keyOrder = """
                FROM source_instance AS s CROSS JOIN account AS a ON a.source_id = s.id
                JOIN balance_version AS v ON v.account_id = a.id AND \(current)
                \(conditions.whereSQL)
                """
            let versionOrder: (String) -> String = { index in
                """
                FROM balance_version AS v INDEXED BY \(index)
                CROSS JOIN account AS a ON a.id = v.account_id CROSS JOIN source_instance AS s ON s.id = a.source_id
                WHERE \(current)\(conditions.clauses.isEmpty ? "" : " AND " + conditions.clauses.joined(separator: " AND "))
                """
            }
            let from: String
            let order: String
            switch query.sort {
            case .account: (from, order) = (keyOrder, "s.name, a.account_key")
            case .balance:
                (from, order) = (
                    versionOrder("balance_version_current_by_balance"),
                    "v.unit, v.available_balance_whole, v.available_balance_nanos, v.account_id"
                )
            case .balanceDescending:
                (from, order) = (
                    versionOrder("balance_version_current_by_balance"),
                    "v.unit DESC, v.available_balance_whole DESC, v.available_balance_nanos DESC, v.account_id DESC"
                )
            case .changed:
                (from, order) = (
                    versionOrder("balance_version_current_by_change"), "v.valid_from DESC, v.account_id DESC"
                )
            }
            // Without a search every account with a current version counts: the caller may know that number.
            let total =
                filter.namePattern == nil
                ? try knownTotal ?? Self.currentVersionCount(db)
                : try Int.fetchOne(db, sql: "SELECT count(*) \(keyOrder)", arguments: conditions.arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "\(select) \(from) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: conditions.arguments + [query.limit, query.offset])
            return BoardPage(
                rows: try rows.map { row in
                    BoardRow(
                        account: try Self.accountRef(row),
                        state: try StoredEnum.decode(
                            VersionState.self, row[5], table: "balance_version", column: "state"),
                        unit: (row[6] as String?).flatMap { try? MoneyUnit($0) }, availableBalance: Self.amount(row, 7),
                        creditLimit: Self.amount(row, 9), validFrom: Instant(millisecondsSinceEpoch: row[11]),
                        flagged: row[12])
                }, total: total)
        }
    }

    /// How many accounts have a current version (present or gone): the overview's total without a search.
    public func accountCount() throws(QueryError) -> Int {
        try read { db in try Self.currentVersionCount(db) }
    }

    static func currentVersionCount(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM balance_version INDEXED BY balance_version_current_by_change "
                + "WHERE valid_to IS NULL AND superseded_at IS NULL") ?? 0
    }

    /// Each account's available balance valid at an instant, on what the ledger knows now.
    /// - Parameters:
    ///   - accountIDs: The accounts, any number (read a few hundred at a time).
    ///   - instant: The valid-time instant.
    /// - Returns: The balance per account that had one then (gone or not yet known: absent).
    public func availableBalances(
        of accountIDs: [Int64], validAt instant: Instant
    ) throws(QueryError)
        -> [Int64: FixedDecimal]
    {
        guard !accountIDs.isEmpty else { return [:] }
        return try read { db in
            let t = instant.millisecondsSinceEpoch
            var result: [Int64: FixedDecimal] = [:]
            for chunk in accountIDs.chunks(of: inListChunk) {
                let rows = try SQLRequest<Row>(
                    literal: """
                        SELECT account_id, available_balance_whole, available_balance_nanos FROM balance_version
                        WHERE account_id IN \(Array(chunk))
                          AND superseded_at IS NULL AND valid_from <= \(t) AND (valid_to IS NULL OR valid_to > \(t))
                        """
                ).fetchAll(db)
                for row in rows { result[row[0]] = Self.amount(row, 1) }
            }
            return result
        }
    }

    /// The live versions of each account that hold at some time from `since` on, oldest first.
    /// - Parameters:
    ///   - accountIDs: The accounts, any number (read a few hundred at a time).
    ///   - since: The window's start; the version holding then comes first.
    public func availableBalanceSteps(
        of accountIDs: [Int64], since: Instant
    ) throws(QueryError)
        -> [Int64: [BoardStep]]
    {
        guard !accountIDs.isEmpty else { return [:] }
        return try read { db in
            var result: [Int64: [BoardStep]] = [:]
            for chunk in accountIDs.chunks(of: inListChunk) {
                let rows = try SQLRequest<Row>(
                    literal: """
                        SELECT account_id, valid_from, available_balance_whole, available_balance_nanos
                        FROM balance_version
                        WHERE account_id IN \(Array(chunk))
                          AND superseded_at IS NULL AND (valid_to IS NULL OR valid_to > \(since.millisecondsSinceEpoch))
                        ORDER BY account_id, valid_from
                        """
                ).fetchAll(db)
                for row in rows {
                    result[row[0], default: []].append(
                        BoardStep(
                            validFrom: Instant(millisecondsSinceEpoch: row[1]), availableBalance: Self.amount(row, 2)))
                }
            }
            return result
        }
    }

    /// One version by its id, with its account, or `nil` when there is no such version.
    public func version(id: Int64) throws(QueryError) -> BalanceRow? {
        try read { db in
            try db.fetchAll(
                sql: """
                    SELECT \(Self.accountColumns), \(Self.versionColumns)
                    FROM balance_version AS v JOIN account AS a ON a.id = v.account_id
                    JOIN source_instance AS s ON s.id = a.source_id WHERE v.id = ?
                    """, arguments: [id], Self.balanceRow
            ).first
        }
    }

    /// The raw response a version was derived from, if the ledger kept one.
    public func rawResponse(ofVersion versionID: Int64) throws(QueryError) -> RawResponseView? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT r.method, r.url, r.http_status, r.received_at, r.request_id, r.body
                    FROM balance_version AS v JOIN raw_response AS r ON r.id = v.raw_response_id WHERE v.id = ?
                    """, arguments: [versionID]
            ).map { row in
                RawResponseView(
                    method: row[0], url: row[1], httpStatus: row[2],
                    receivedAt: Instant(millisecondsSinceEpoch: row[3]),
                    requestID: row[4], body: Array(row[5] as Data))
            }
        }
    }

    /// Each run's parts, one per source, for the given runs.
    public func runSources(runIDs: [Int64]) throws(QueryError) -> [Int64: [RunSourceRow]] {
        guard !runIDs.isEmpty else { return [:] }
        return try read { db in
            var result: [Int64: [RunSourceRow]] = [:]
            for chunk in runIDs.chunks(of: inListChunk) {
                let rows = try SQLRequest<Row>(
                    literal: """
                        SELECT r.run_id, s.name, r.status, r.targets, r.fetched, r.versions_added, r.unchanged, r.gone,
                               r.conflicts, r.errors, r.quarantined, r.log_entries
                        FROM sync_run_source AS r JOIN source_instance AS s ON s.id = r.source_id
                        WHERE r.run_id IN \(Array(chunk))
                        ORDER BY r.run_id, s.name
                        """
                ).fetchAll(db)
                for row in rows {
                    var counts = RunCounts()
                    (counts.targets, counts.fetched, counts.versionsAdded) = (row[3], row[4], row[5])
                    (counts.unchanged, counts.gone, counts.conflicts) = (row[6], row[7], row[8])
                    (counts.errors, counts.quarantined, counts.logEntries) = (row[9], row[10], row[11])
                    result[row[0], default: []].append(
                        RunSourceRow(runID: row[0], source: row[1], status: row[2], counts: counts))
                }
            }
            return result
        }
    }

    /// An amount from a `_whole`, `_nanos` column pair at `index`.
    static func amount(_ row: Row, _ index: Int) -> FixedDecimal? {
        guard let whole = row[index] as Int64?, let nanos = row[index + 1] as Int64? else { return nil }
        return try? FixedDecimal(whole: whole, nanos: nanos)
    }
}
