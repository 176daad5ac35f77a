import GRDB
import GRDBSQLite

/// The current row of a statement being stepped, read by column index straight from SQLite.
///
/// GRDB's `row[index] as Int64?` is generic: each cell looks up its type's metadata at run time, and a page of 100
/// balances has 2,800 cells. perf put that decoding at a fifth of `serve`'s CPU for `GET /api/v1/balances`; these
/// reads are one SQLite call each.
struct StatementColumns {
    let statement: SQLiteStatement

    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    func bool(_ index: Int32) -> Bool { int64(index) != 0 }

    /// The column as UTF-8 text (`""` for NULL).
    func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }
}

extension Database {
    /// Every row of `sql` (prepared once per connection and kept), each made by `decode` from its columns.
    func fetchAll<T>(
        sql: String, arguments: StatementArguments, _ decode: (StatementColumns) throws -> T
    ) throws -> [T] {
        let statement = try cachedStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        let columns = StatementColumns(statement: statement.sqliteStatement)
        var result: [T] = []
        while try rows.next() != nil { result.append(try decode(columns)) }
        return result
    }
}
