import Foundation
import GRDB
import LedgerCore

/// SQL conditions and their arguments, built up from a ``QueryFilter``.
struct SQLConditions {
    var clauses: [String] = []
    var arguments = StatementArguments()

    mutating func add(_ clause: String, _ values: [(any DatabaseValueConvertible)?] = []) {
        clauses.append(clause)
        arguments += StatementArguments(values)
    }

    /// `column IN` the given values, any number of them: the list is bound as one JSON array and read back with
    /// `json_each`, so no list meets SQLite's limit on bound parameters.
    mutating func add(in column: String, _ values: [String]) {
        guard !values.isEmpty else { return }
        add("\(column) IN (SELECT value FROM json_each(?))", [JSONValue.array(values.map(JSONValue.string)).jsonText])
    }

    /// `column IN` the given ids, any number of them (as ``add(in:_:)-(String,[String])``).
    mutating func add(in column: String, _ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        add("\(column) IN (SELECT value FROM json_each(?))", [Self.jsonArray(ids)])
    }

    /// `[1,2,3]`.
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Puts a version pick's arguments first (its subquery precedes WHERE in the SQL text) and its condition
    /// first among the clauses, so arguments stay in text order.
    mutating func prepend(_ pick: (subquery: String, condition: String?, arguments: StatementArguments)) {
        if let condition = pick.condition { clauses.insert(condition, at: 0) }
        arguments = pick.arguments + arguments
    }

    /// Rows after the account (source `source`, key `key`) in (source name, account key) order, written so that
    /// SQLite seeks to the account in the `(source_id, account_key)` index instead of reading its source's accounts
    /// from the first: a row-value comparison across the two tables bounds only the source. Every account key is
    /// text (at least `''`), so the two range terms say nothing the exact comparison `exact` does not.
    /// - Parameters:
    ///   - exact: The full keyset comparison on `s.name, a.account_key` and any columns after them.
    ///   - values: Its arguments, the source name and account key first.
    mutating func addAccountKeyset(exact: String, _ values: [(any DatabaseValueConvertible)?]) {
        let source = values[0]
        let key = values[1]
        add("s.name >= ?", [source])
        add("a.account_key >= CASE WHEN s.name = ? THEN ? ELSE '' END", [source, key])
        add(exact, values)
    }

    var whereSQL: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}

extension LedgerReader {
    /// The names of the configured source instances in the ledger.
    public func sourceNames() throws(QueryError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM source_instance ORDER BY name") }
    }

    /// Checks a filter against the ledger and turns its account part into conditions on `a` (account) and
    /// `s` (source_instance).
    func accountConditions(
        _ db: Database, _ filter: QueryFilter, kindColumn: String = "a.kind"
    ) throws
        -> SQLConditions
    {
        let known = try Row.fetchAll(db, sql: "SELECT name, kind FROM source_instance ORDER BY name")
        try filter.validate(sources: known.map { (name: $0["name"] as String, kind: $0["kind"] as String) })
        var conditions = SQLConditions()
        conditions.add(in: "s.name", filter.sources)
        conditions.add(in: kindColumn, filter.kinds.map(\.rawValue))
        if !filter.accounts.isEmpty {
            var scope = conditions
            scope.add(in: "a.account_key", filter.accounts)
            let found = Set(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT DISTINCT a.account_key FROM source_instance AS s CROSS JOIN account AS a ON a.source_id = s.id \(scope.whereSQL)",
                    arguments: scope.arguments))
            if let missing = filter.accounts.first(where: { !found.contains($0) }) {
                throw QueryError(.unknownAccount(missing))
            }
            conditions = scope
        }
        if !filter.accountIDs.isEmpty {
            // Unary `+` keeps SQLite from driving the query by id: the key range below drives it.
            conditions.add(in: "+a.id", filter.accountIDs)
            // The accounts' key range as well: SQLite then reads them through the (source_id, account_key) index in
            // the order every query sorts by, over the range alone (a report's accounts come in key order, 300 at a
            // time), instead of fetching them by id and sorting all their rows in a temporary B-tree, which took
            // longer than the rest of an export's history query (9,000 versions a chunk).
            let range = try Row.fetchOne(
                db,
                sql: """
                    SELECT min(a.account_key), max(a.account_key) FROM account AS a
                    WHERE a.id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [SQLConditions.jsonArray(filter.accountIDs)])
            if let low = range?[0] as String?, let high = range?[1] as String? {
                conditions.add("a.account_key BETWEEN ? AND ?", [low, high])
            } else {
                conditions.add("0")  // none of the ids is an account
            }
        }
        if let pattern = filter.namePattern {
            let like = Self.likePattern(pattern)
            conditions.add(
                "(a.account_key LIKE ? ESCAPE '\\' OR coalesce(a.display_name, '') LIKE ? ESCAPE '\\')", [like, like])
        }
        return conditions
    }

    /// `*` and `?` as LIKE's `%` and `_`, with LIKE's own wildcards taken literally.
    package static func likePattern(_ pattern: String) -> String {
        var result = ""
        for character in pattern {
            switch character {
            case "*": result += "%"
            case "?": result += "_"
            case "%", "_", "\\": result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }

    // Every query joins `source_instance AS s CROSS JOIN account AS a`: SQLite keeps a CROSS JOIN's order, so the
    // few sources are the outer loop and an account is found through its (source_id, account_key) index instead
    // of a scan of every account (20 ms at 100k accounts; the benchmark caught it).

    /// `FROM` sources and their accounts. Accounts named by id are also bounded by their key range (see
    /// `accountConditions`), so the `(source_id, account_key)` index reads only them, in key order.
    static func sourceAccountJoin(_ filter: QueryFilter) -> String {
        "source_instance AS s CROSS JOIN account AS a ON a.source_id = s.id"
    }

    /// The account columns every row type starts with.
    static let accountColumns = "a.id AS account_id, s.name AS source, a.kind, a.account_key, a.display_name"

    static func accountRef(_ row: Row) throws(StoreError) -> AccountRef {
        AccountRef(
            accountID: row["account_id"], source: row["source"],
            kind: try StoredEnum.decode(SourceKind.self, row, "kind", table: "account"),
            key: row["account_key"], displayName: row["display_name"])
    }
}

/// An opaque keyset cursor: the sort key of the last row of a page, tagged with the query that made it.
package enum PageCursor {
    package static func encode(_ query: String, _ values: [String]) -> String {
        Data(([query] + values).joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    package static func decode(_ cursor: String, query: String, count: Int) throws(QueryError) -> [String] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw QueryError(.invalidCursor(cursor))
        }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == count + 1, parts[0] == query else { throw QueryError(.invalidCursor(cursor)) }
        return Array(parts.dropFirst())
    }

    package static func int(_ text: String, _ cursor: String) throws(QueryError) -> Int64 {
        guard let value = Int64(text) else { throw QueryError(.invalidCursor(cursor)) }
        return value
    }

    /// Rows of one page plus the cursor after its last row, when more may follow.
    package static func page<Row>(_ rows: [Row], limit: Int, query: String, key: (Row) -> [String]) -> Page<Row> {
        guard rows.count > limit else { return Page(rows: rows, nextCursor: nil) }
        let kept = Array(rows.prefix(limit))
        return Page(rows: kept, nextCursor: encode(query, key(kept[kept.count - 1])))
    }
}
