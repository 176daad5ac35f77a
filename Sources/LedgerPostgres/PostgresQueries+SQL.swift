import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresQueries {
    /// Runs one SQL statement of the user's in a read-only transaction that is rolled back: PostgreSQL itself refuses
    /// anything that writes (SQLSTATE 25006), and a statement that runs longer than a minute is cancelled.
    ///
    /// Cells keep their type where the ledger has it (integers, text, bytes by their size); exact numbers are whole
    /// numbers as integers (as SQLite gives a sum) and the rest (the readable views' amounts) as their digits, never
    /// as binary floating point.
    /// - Throws: ``QueryError/Code/writeRefused(_:)`` for a statement that would write,
    ///   ``QueryError/Code/invalidSQL(_:)`` for one PostgreSQL cannot run.
    public func sql(_ text: String, limit: Int) async throws(QueryError) -> SQLResult {
        let logger = ledger.logger
        do {
            return try await ledger.uncheckedRead { connection in
                try await connection.query("SET LOCAL statement_timeout = '60s'", logger: logger)
                let rows = try await connection.query(PostgresQuery(unsafeSQL: text), logger: logger)
                let columns = rows.columns.map(\.name)
                var result: [[SQLCell]] = []
                var truncated = false
                for try await row in rows {
                    if result.count == limit {
                        truncated = true
                        break
                    }
                    result.append(try row.map(Self.cell))
                }
                return SQLResult(columns: columns, rows: result, truncated: truncated)
            }
        } catch let error as PSQLError {
            let state = error.serverInfo?[.sqlState]
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            if state == "25006" {
                throw QueryError(.writeRefused("\(message): a query reads this ledger only"))
            }
            if error.serverInfo != nil { throw QueryError(.invalidSQL(message)) }
            throw QueryError(.store(StoreError(wrapping: error, location: ledger.location).description))
        } catch {
            throw QueryError(.store(StoreError(wrapping: error, location: ledger.location).description))
        }
    }

    private static func cell(_ cell: PostgresCell) throws -> SQLCell {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(String(try cell.decode(Double.self)))
        case .numeric:
            // A whole number (a sum of bigint columns is numeric in PostgreSQL) as the integer SQLite would give.
            let text = try cell.decode(Decimal.self).description
            return Int64(text).map(SQLCell.integer) ?? .text(text)
        case .bytea: return .blob(byteCount: cell.bytes?.readableBytes ?? 0)
        case .timestamptz, .timestamp:
            // Microseconds in the server; the ledger's instants are milliseconds.
            let date = try cell.decode(Date.self)
            return .text(Instant(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded())).iso8601)
        default:
            if let text = try? cell.decode(String.self) { return .text(text) }
            return .text("(\(cell.dataType))")
        }
    }
}
