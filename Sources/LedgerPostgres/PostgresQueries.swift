import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

/// The query lists of a PostgreSQL ledger: the same rows, order and cursors as ``LedgerReader`` gives for a SQLite
/// ledger holding the same facts, each answer read on one snapshot (``PostgresLedger/read(_:)``).
///
/// Text is ordered by its bytes (`COLLATE "C"`, SQLite's BINARY), whatever the database's collation, and a name
/// pattern matches as SQLite's LIKE does (ASCII letters in either case, nothing else folded).
public struct PostgresQueries: QueryStore {
    let ledger: PostgresLedger

    /// Queries over an open ledger.
    public init(_ ledger: PostgresLedger) {
        self.ledger = ledger
    }

    // MARK: Running

    /// Runs `body` on one snapshot; the driver's and the store's errors become ``QueryError``.
    func read<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws(QueryError) -> T {
        let logger = ledger.logger
        do {
            return try await ledger.uncheckedRead { connection in try await body(connection, logger) }
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.store(StoreError(wrapping: error, location: ledger.location).description))
        }
    }

    static func rows(
        _ connection: PostgresConnection, _ query: SQLBuilder, logger: Logger
    ) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(query.query, logger: logger) {
            rows.append(row.makeRandomAccess())
        }
        return rows
    }

    // MARK: Filters

    /// Checks a filter against the ledger (the rules ``QueryFilter`` shares with SQLite) and adds its account part
    /// as conditions on `a` (account) and `s` (source_instance).
    static func accountConditions(
        _ connection: PostgresConnection, _ filter: QueryFilter, into sql: inout SQLBuilder,
        kindColumn: String = "a.kind", logger: Logger
    ) async throws {
        var known: [(name: String, kind: String)] = []
        for try await (name, kind) in try await connection.query(
            #"SELECT name, kind FROM source_instance ORDER BY name COLLATE "C""#, logger: logger
        ).decode((String, String).self) {
            known.append((name, kind))
        }
        try filter.validate(sources: known)
        if !filter.sources.isEmpty { sql.condition("s.name = ANY(\(sql.bind(filter.sources)))") }
        if !filter.kinds.isEmpty { sql.condition("\(kindColumn) = ANY(\(sql.bind(filter.kinds.map(\.rawValue))))") }
        if !filter.accounts.isEmpty {
            sql.condition("a.account_key = ANY(\(sql.bind(filter.accounts)))")
            var scope = SQLBuilder(
                "SELECT DISTINCT a.account_key FROM source_instance AS s JOIN account AS a ON a.source_id = s.id")
            scope.adopt(sql)
            var found: Set<String> = []
            for try await key in try await connection.query(scope.query, logger: logger).decode(String.self) {
                found.insert(key)
            }
            if let missing = filter.accounts.first(where: { !found.contains($0) }) {
                throw QueryError(.unknownAccount(missing))
            }
        }
        if !filter.accountIDs.isEmpty { sql.condition("a.id = ANY(\(sql.bind(filter.accountIDs)))") }
        if let pattern = filter.namePattern {
            // SQLite's LIKE: ASCII letters match either case, every other character only itself.
            let like = sql.bind(Self.asciiLowercased(LedgerReader.likePattern(pattern)))
            sql.condition(
                """
                (\(Self.asciiLower("a.account_key")) LIKE \(like) ESCAPE '\\'
                 OR \(Self.asciiLower("coalesce(a.display_name, '')")) LIKE \(like) ESCAPE '\\')
                """)
        }
    }

    static func asciiLower(_ expression: String) -> String {
        "translate(\(expression), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }

    static func asciiLowercased(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
    }

    static let accountColumns = "a.id, s.name, a.kind, a.account_key, a.display_name"

    static func accountRef(_ row: PostgresRandomAccessRow, at start: Int = 0) throws -> AccountRef {
        let cells = Cells(row)
        return AccountRef(
            accountID: try cells.int(start), source: try cells.text(start + 1),
            kind: try cells.decode(SourceKind.self, start + 2, "account.kind"), key: try cells.text(start + 3),
            displayName: try cells.optionalText(start + 4))
    }
}

/// A statement with `$n` binds and the conditions of its WHERE clause, built up in text order.
struct SQLBuilder {
    var head: String
    var clauses: [String] = []
    var binds = PostgresBindings()
    var tail = ""

    init(_ head: String) { self.head = head }

    /// The placeholder of a new bound value.
    mutating func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind(_ value: (some PostgresNonThrowingEncodable & Sendable)?) -> String {
        if let value { binds.append(value) } else { binds.appendNull() }
        return "$\(binds.count)"
    }

    mutating func condition(_ clause: String) { clauses.append(clause) }

    /// Takes another builder's conditions and binds (placeholders keep their numbers: this one has none yet).
    mutating func adopt(_ other: SQLBuilder) {
        precondition(binds.count == 0 && clauses.isEmpty, "adopt into an empty builder")
        clauses = other.clauses
        binds = other.binds
    }

    var query: PostgresQuery {
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        return PostgresQuery(unsafeSQL: head + whereSQL + (tail.isEmpty ? "" : " " + tail), binds: binds)
    }
}

/// Cells of a row by index, each decoded or refused with a sentence naming the column.
struct Cells {
    let row: PostgresRandomAccessRow
    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func int(_ index: Int) throws -> Int64 { try row[index].decode(Int64.self) }
    func optionalInt(_ index: Int) throws -> Int64? { try row[index].decode(Int64?.self) }
    func text(_ index: Int) throws -> String { try row[index].decode(String.self) }
    func optionalText(_ index: Int) throws -> String? { try row[index].decode(String?.self) }
    func bool(_ index: Int) throws -> Bool { try row[index].decode(Bool.self) }
    func instant(_ index: Int) throws -> Instant { Instant(millisecondsSinceEpoch: try int(index)) }
    func optionalInstant(_ index: Int) throws -> Instant? {
        try optionalInt(index).map(Instant.init(millisecondsSinceEpoch:))
    }

    /// An amount from its two columns at `index` and `index + 1`; a pair the constraints would refuse reads as
    /// none, as in SQLite.
    func amount(_ index: Int) throws -> FixedDecimal? {
        guard let whole = try optionalInt(index), let nanos = try optionalInt(index + 1) else { return nil }
        return try? FixedDecimal(whole: whole, nanos: nanos)
    }

    func decode<T: RawRepresentable>(_ type: T.Type, _ index: Int, _ column: String) throws -> T
    where T.RawValue == String {
        let text = try text(index)
        guard let value = T(rawValue: text) else {
            throw StoreError(.invalidData("\(column) holds '\(text)', which this build does not know"))
        }
        return value
    }
}
