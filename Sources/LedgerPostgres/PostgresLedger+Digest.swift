import Crypto
import LedgerCore
import LedgerStore
import PostgresNIO

extension PostgresLedger {
    /// The SQLite store's digest queries in PostgreSQL's SQL, in the same order: text sorted by bytes (`COLLATE
    /// "C"`, SQLite's BINARY) and the flag as SQLite's 0 or 1, so equal ledgers give equal rows.
    private static let digestQueries: [String] = [
        #"SELECT name, kind FROM source_instance ORDER BY name COLLATE "C""#,
        #"""
        SELECT s.name, a.account_key, a.display_name, p.account_key FROM account a
        JOIN source_instance s ON s.id = a.source_id LEFT JOIN account p ON p.id = a.parent_account_id
        ORDER BY s.name COLLATE "C", a.account_key COLLATE "C"
        """#,
        #"""
        SELECT s.name, a.account_key, v.valid_from, v.valid_to, v.state, v.unit, v.available_balance_whole,
            v.available_balance_nanos, v.credit_limit_whole, v.credit_limit_nanos, v.used_whole, v.used_nanos,
            v.frozen_whole, v.frozen_nanos, v.total_available_whole, v.total_available_nanos, v.overdue_whole,
            v.overdue_nanos, v.content_hash, v.source_modified_at, v.flagged::int
        FROM balance_version v JOIN account a ON a.id = v.account_id JOIN source_instance s ON s.id = a.source_id
        WHERE v.superseded_at IS NULL ORDER BY s.name COLLATE "C", a.account_key COLLATE "C", v.valid_from
        """#,
        #"""
        SELECT s.name, a.account_key, l.remote_id, l.change_type, l.unit, l.change_amount_whole,
            l.change_amount_nanos, l.balance_before_whole, l.balance_before_nanos, l.balance_after_whole,
            l.balance_after_nanos, l.remark, l.gmt_create
        FROM modelrouter_balance_log l JOIN account a ON a.id = l.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name COLLATE "C", a.account_key COLLATE "C", l.remote_id
        """#,
        #"""
        SELECT s.name, a.account_key, c.last_gmt_create, c.last_remote_id FROM modelrouter_log_cursor c
        JOIN account a ON a.id = c.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name COLLATE "C", a.account_key COLLATE "C"
        """#,
        #"""
        SELECT s.name, a.account_key, c.kind, c.stored_valid_from, c.stored_content_hash, c.incoming_valid_from,
            c.incoming_content_hash, c.resolution
        FROM conflict c JOIN account a ON a.id = c.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name COLLATE "C", a.account_key COLLATE "C", c.kind COLLATE "C", c.incoming_valid_from,
            c.incoming_content_hash COLLATE "C"
        """#,
    ]

    /// The SHA-256 of the ledger's normalized content, equal to ``LedgerDatabase/normalizedDigest()`` of a SQLite
    /// ledger that holds the same facts (each value written as SQLite's reading writes it), on one snapshot.
    public func normalizedDigest() async throws(StoreError) -> String {
        var hasher = SHA256()
        for line in try await normalizedLines() { hasher.update(data: Array(line.utf8)) }
        return lowercaseHex(hasher.finalize())
    }

    /// What ``normalizedDigest()`` hashes, in order: each query's header, then one line per row.
    package func normalizedLines() async throws(StoreError) -> [String] {
        let logger = self.logger
        return try await read { connection in
            var lines: [String] = []
            for (header, sql) in zip(LedgerDatabase.digestQueries, Self.digestQueries) {
                lines.append("\u{1E}\(header)")
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                for try await row in rows {
                    var line = "\u{1D}"
                    for cell in row { line += "\u{1C}" + (try Self.digestText(cell)) }
                    lines.append(line)
                }
            }
            return lines
        }
    }

    /// A value as GRDB describes it: NULL, an integer's digits, a string in Swift's quoted, escaped form.
    private static func digestText(_ cell: PostgresCell) throws -> String {
        guard cell.bytes != nil else { return "NULL" }
        switch cell.dataType {
        case .int2, .int4, .int8: return String(try cell.decode(Int64.self))
        default: return String(reflecting: try cell.decode(String.self))
        }
    }
}
