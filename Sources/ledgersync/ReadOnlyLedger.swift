import LedgerPostgres
import LedgerStore
import LedgerSync
import Logging

/// A ledger opened to be read, in either store: a read-only SQLite connection, or a PostgreSQL pool whose schema is
/// checked and never migrated.
enum ReadOnlyLedger {
    /// Runs `body` with the ledger at `location` and closes it afterwards, also when `body` throws.
    /// - Throws: ``StoreError`` when the ledger cannot be opened; what `body` throws.
    static func with<T>(_ location: StoreLocation, _ body: (any ReportStore) async throws -> T) async throws -> T {
        switch location {
        case .sqlite(let path):
            let reader = try LedgerReader.open(path: path)
            defer { try? reader.close() }
            return try await body(reader)
        case .postgres(let location):
            let ledger = try await PostgresLedger.openForReading(
                location: location, logger: Logger(label: "ledgersync.read") { _ in SwiftLogNoOpLogHandler() })
            do {
                let result = try await body(PostgresQueries(ledger))
                await ledger.close()
                return result
            } catch {
                await ledger.close()
                throw error
            }
        }
    }
}
