import GRDB

extension LedgerReader {
    /// A number that changes whenever anything commits to the ledger (this process or another), and only then:
    /// an answer read after stamp `s` is still exact while the stamp reads `s` again.
    ///
    /// It is SQLite's `PRAGMA data_version` of one connection that never writes, so it costs no I/O and no write
    /// on the sync's path; stamps are comparable only between calls on the same reader, and only while it is open.
    ///
    /// - Returns: The stamp, or `nil` when this reader cannot tell: a reader made from an open ``LedgerDatabase``
    ///   shares the writer's connections, whose own commits `data_version` does not count.
    /// - Throws: ``QueryError`` when the store fails.
    public func changeStamp() throws(QueryError) -> Int64? {
        guard let stampConnection else { return nil }
        do {
            // No transaction around it: the pragma alone looks at the latest commit.
            return try stampConnection.unsafeRead { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") }
        } catch {
            throw QueryError(.store(StoreError(wrapping: error, path: path).description))
        }
    }
}
