import Crypto
import Foundation
import GRDB
import LedgerCore

extension LedgerDatabase {
    /// The queries whose rows make up the ledger's normalized content: what was true when, and what moved,
    /// without run ids, recorded times or row ids, so two ledgers that learned the same facts digest the same.
    package static let digestQueries: [String] = [
        "SELECT name, kind FROM source_instance ORDER BY name",
        """
        SELECT s.name, a.account_key, a.display_name, p.account_key FROM account a
        JOIN source_instance s ON s.id = a.source_id LEFT JOIN account p ON p.id = a.parent_account_id
        ORDER BY s.name, a.account_key
        """,
        """
        SELECT s.name, a.account_key, v.valid_from, v.valid_to, v.state, v.unit, v.available_balance_whole,
            v.available_balance_nanos, v.credit_limit_whole, v.credit_limit_nanos, v.used_whole, v.used_nanos,
            v.frozen_whole, v.frozen_nanos, v.total_available_whole, v.total_available_nanos, v.overdue_whole,
            v.overdue_nanos, v.content_hash,
            v.source_modified_at, v.flagged
        FROM balance_version v JOIN account a ON a.id = v.account_id JOIN source_instance s ON s.id = a.source_id
        WHERE v.superseded_at IS NULL ORDER BY s.name, a.account_key, v.valid_from
        """,
        """
        SELECT s.name, a.account_key, l.remote_id, l.change_type, l.unit, l.change_amount_whole,
            l.change_amount_nanos, l.balance_before_whole, l.balance_before_nanos, l.balance_after_whole,
            l.balance_after_nanos, l.remark, l.gmt_create
        FROM modelrouter_balance_log l JOIN account a ON a.id = l.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name, a.account_key, l.remote_id
        """,
        """
        SELECT s.name, a.account_key, c.last_gmt_create, c.last_remote_id FROM modelrouter_log_cursor c
        JOIN account a ON a.id = c.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name, a.account_key
        """,
        """
        SELECT s.name, a.account_key, c.kind, c.stored_valid_from, c.stored_content_hash, c.incoming_valid_from,
            c.incoming_content_hash, c.resolution
        FROM conflict c JOIN account a ON a.id = c.account_id JOIN source_instance s ON s.id = a.source_id
        ORDER BY s.name, a.account_key, c.kind, c.incoming_valid_from, c.incoming_content_hash
        """,
    ]

    /// The SHA-256 of the ledger's normalized content (live versions, accounts, movements, cursors, conflicts).
    ///
    /// - Returns: Lowercase hex; equal for ledgers that hold the same facts however their runs went.
    /// - Throws: ``StoreError``.
    public func normalizedDigest() throws(StoreError) -> String {
        do {
            return try writer.read { db in
                var hasher = SHA256()
                for sql in Self.digestQueries {
                    hasher.update(data: Array("\u{1E}\(sql)".utf8))
                    let cursor = try Row.fetchCursor(db, sql: sql)
                    while let row = try cursor.next() {
                        var line = "\u{1D}"
                        for value in row.databaseValues {
                            line += value.isNull ? "\u{1C}NULL" : "\u{1C}\(value.description)"
                        }
                        hasher.update(data: Array(line.utf8))
                    }
                }
                return hasher.finalize().map { String(format: "%02x", $0) }.joined()
            }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }
}
