import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresLedger {
    /// Runs `body` on one consistent snapshot of the ledger: a `REPEATABLE READ READ ONLY` transaction, so every
    /// statement of an answer sees the same commits (what a WAL snapshot gives the SQLite store) and none of them can
    /// write. The store's queries are built on it.
    /// - Throws: ``StoreError``; the transaction is rolled back either way (it changed nothing).
    package func read<T: Sendable>(
        _ body: (PostgresConnection) async throws -> sending T
    ) async throws(StoreError) -> T {
        do {
            return try await uncheckedRead(body)
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    /// ``read(_:)`` with `body`'s and the driver's errors as they are.
    func uncheckedRead<T: Sendable>(_ body: (PostgresConnection) async throws -> sending T) async throws -> T {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("ROLLBACK", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
