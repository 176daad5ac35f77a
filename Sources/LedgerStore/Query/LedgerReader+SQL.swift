import GRDB

/// The result of `query sql`: column names and rows of cells.
public struct SQLResult: Sendable, Equatable {
    /// The column names, as SQLite names them.
    public var columns: [String]
    /// The rows, one cell per column.
    public var rows: [[SQLCell]]
    /// More rows matched than the limit let through.
    public var truncated: Bool

    package init(columns: [String], rows: [[SQLCell]], truncated: Bool) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }
}

/// One value from a user's SQL, kept as SQLite typed it.
public enum SQLCell: Sendable, Equatable {
    case null
    case integer(Int64)
    /// A floating-point value the user's SQL computed (the ledger itself stores none), as SQLite prints it.
    case real(String)
    case text(String)
    case blob(byteCount: Int)
}

extension LedgerReader {
    /// Pragmas that do something beyond reading, even with no `=`.
    private static let actingPragmas: Set<String> = [
        "wal_checkpoint", "optimize", "incremental_vacuum", "shrink_memory", "integrity_check_repair",
    ]

    /// Runs one read-only SQL statement on the ledger.
    ///
    /// The statement must be a single query: anything that writes (INSERT, UPDATE, DELETE, DDL), ATTACH or
    /// DETACH, VACUUM, and pragmas that set or act are refused before they run, and the connection is read-only
    /// besides, so the database file is never changed.
    ///
    /// - Parameters:
    ///   - text: The SQL.
    ///   - limit: The most rows returned.
    /// - Returns: The columns and rows.
    /// - Throws: ``QueryError/Code/writeRefused(_:)`` for a statement that could change anything,
    ///   ``QueryError/Code/invalidSQL(_:)`` when SQLite cannot prepare it.
    public func sql(_ text: String, limit: Int = 10_000) throws(QueryError) -> SQLResult {
        let keyword = Self.leadingKeywords(text)
        switch keyword.first {
        case "ATTACH", "DETACH":
            throw QueryError(.writeRefused("\(keyword[0]) is refused: a query reads this ledger only"))
        case "VACUUM", "REINDEX", "ANALYZE":
            throw QueryError(.writeRefused("\(keyword[0]) is refused: it rewrites the database"))
        case "PRAGMA":
            let name = keyword.count > 1 ? keyword[1].lowercased() : ""
            if text.contains("=") || Self.actingPragmas.contains(name) {
                throw QueryError(
                    .writeRefused("PRAGMA \(name) would change a setting or the file; only reading pragmas are allowed")
                )
            }
        default: break
        }
        return try read { db in
            let statement: Statement
            do {
                statement = try db.makeStatement(sql: text)
            } catch let error as DatabaseError {
                throw QueryError(.invalidSQL(error.message ?? "\(error.resultCode)"))
            }
            guard statement.isReadonly else {
                throw QueryError(
                    .writeRefused(
                        "this statement would write (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER or a writing PRAGMA)"))
            }
            let columns = statement.columnNames
            var rows: [[SQLCell]] = []
            var truncated = false
            do {
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    if rows.count == limit {
                        truncated = true
                        break
                    }
                    rows.append(row.databaseValues.map(Self.cell))
                }
            } catch let error as DatabaseError {
                throw QueryError(.invalidSQL(error.message ?? "\(error.resultCode)"))
            }
            return SQLResult(columns: columns, rows: rows, truncated: truncated)
        }
    }

    private static func cell(_ value: DatabaseValue) -> SQLCell {
        switch value.storage {
        case .null: .null
        case .int64(let v): .integer(v)
        case .double(let v): .real("\(v)")
        case .string(let v): .text(v)
        case .blob(let v): .blob(byteCount: v.count)
        }
    }

    /// The first two words of the SQL, upper-cased, after comments and whitespace.
    static func leadingKeywords(_ text: String) -> [String] {
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0.isWhitespace || $0 == ";" })
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return [] }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        let words = rest.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).prefix(2)
        return words.map { $0.uppercased() }
    }
}
