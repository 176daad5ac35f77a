import GRDB
import GRDBSQLite

/// A statement over any number of rows: `prefix`, then `row` once per row, separated by commas, then `suffix`
/// (`INSERT INTO t (a, b) VALUES (?, ?), (?, ?)`, or an `UPDATE ... FROM (VALUES ...)`).
///
/// Many rows in one statement instead of a statement per row: SQLite starts, binds and halts a statement once for
/// a chunk of rows, and GRDB checks it once. Chunks have a few fixed sizes, so each table has a handful of cached
/// statements instead of one per batch size.
struct RowsStatement: Sendable {
    /// The number of `?` parameters in one row.
    let parametersPerRow: Int
    /// The statement for each chunk size, largest first.
    private let chunks: [(rows: Int, sql: String)]

    /// - Parameters:
    ///   - prefix: The statement up to the first row.
    ///   - row: One row's parenthesized values, with a `?` per parameter (literals allowed).
    ///   - suffix: The statement after the last row.
    init(_ prefix: String, row: String, suffix: String = "") {
        let parameters = row.utf8.count { $0 == UInt8(ascii: "?") }
        parametersPerRow = parameters
        // SQLite allows 32,766 parameters in one statement (since 3.32).
        chunks = [256, 64, 16, 4, 1].filter { $0 * parameters <= 32_766 }.map { rows in
            (rows, prefix + [String](repeating: row, count: rows).joined(separator: ", ") + suffix)
        }
    }

    /// Runs the statement over `values`, `parametersPerRow` of them per row, in row order.
    func execute(_ db: Database, values: [DatabaseValue]) throws {
        precondition(values.count % parametersPerRow == 0, "a row has \(parametersPerRow) values")
        let rows = values.count / parametersPerRow
        var done = 0
        for chunk in chunks {
            while rows - done >= chunk.rows {
                let start = done * parametersPerRow
                let statement = try db.cachedStatement(sql: chunk.sql)
                // Bound straight from the values: GRDB's StatementArguments would convert, copy and check thousands of
                // them again for each chunk (a sixth of a large rebuild). The count is right by construction. GRDB
                // still runs the statement, so its checks and transaction tracking hold.
                statement.setUncheckedArguments([])
                let handle = statement.sqliteStatement
                for (offset, value) in values[start..<(start + chunk.rows * parametersPerRow)].enumerated() {
                    try Self.bind(value, at: Int32(offset + 1), of: handle, db)
                }
                try statement.execute()
                done += chunk.rows
            }
        }
    }

    private static func bind(_ value: DatabaseValue, at index: Int32, of handle: SQLiteStatement, _ db: Database) throws
    {
        let code = value.bind(to: handle, at: index)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage)
        }
    }
}

extension Optional where Wrapped: DatabaseValueConvertible {
    /// The value, or NULL.
    var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
}
