import Foundation
import GRDB
import LedgerCore

/// Read-only access to a ledger: the query API used by `ledgersync query`, the reports and the tests.
///
/// A reader opened from a path uses a read-only SQLite connection, so nothing it runs can change the file, and
/// it reads a consistent snapshot while a sync writes (WAL). Every list comes in a stable order with keyset
/// paging (``PageRequest``), never `OFFSET`.
public final class LedgerReader: Sendable {
    let reader: any DatabaseReader
    /// The database file, or `nil` for an in-memory store.
    public let path: String?
    private let ownsConnection: Bool
    /// The connection ``changeStamp()`` asks, when this reader has one of its own (see there).
    let stampConnection: (any DatabaseReader)?

    /// A reader over an open ledger (the same connections; used in-process and in tests).
    public init(_ database: LedgerDatabase) {
        self.reader = database.writer
        self.path = database.path
        self.ownsConnection = false
        self.stampConnection = nil
    }

    private init(reader: any DatabaseReader, path: String, stampConnection: (any DatabaseReader)?) {
        self.reader = reader
        self.path = path
        self.ownsConnection = true
        self.stampConnection = stampConnection
    }

    /// Opens the ledger at `path` read-only.
    ///
    /// - Parameter path: The database file.
    /// - Returns: A reader that can never change the file.
    /// - Throws: ``StoreError``: no such file, not a ledger, a schema this build does not know or that needs
    ///   `ledgersync migrate` first.
    public static func open(path: String) throws(StoreError) -> LedgerReader {
        try open(path: path, readers: 1)
    }

    /// Opens the ledger at `path` read-only with up to `readers` connections that read at once (WAL snapshots,
    /// each consistent): what a server answering many clients while a sync writes needs.
    ///
    /// - Throws: ``StoreError``, as ``open(path:)``.
    public static func open(path: String, readers: Int) throws(StoreError) -> LedgerReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(
                .invalidData("no ledger here; run `ledgersync sync` or `ledgersync migrate` first"),
                path: path)
        }
        let state = try LedgerDatabase.inspect(path: path)
        let pending = try MigrationPlan(migrations: Migration.shipped).pending(given: state, path: path)
        guard pending.isEmpty else { throw StoreError(.notMigrated(pending: pending.map(\.id)), path: path) }
        do {
            var configuration = LedgerDatabase.configuration(readonly: true)
            // Read-only twice over: the file is opened read-only, and the connection refuses writes to anything.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
            if readers <= 1 {
                // One read-only connection: nothing it runs commits, so it can tell every commit by another.
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                return LedgerReader(reader: queue, path: path, stampConnection: queue)
            }
            configuration.maximumReaderCount = readers
            let pool = try DatabasePool(path: path, configuration: configuration)
            // A pool's connections each count commits from their own start, so stamps come from one more.
            var stampConfiguration = configuration
            stampConfiguration.label = "LedgerSync.changeStamp"
            let stamps = try DatabaseQueue(path: path, configuration: stampConfiguration)
            return LedgerReader(reader: pool, path: path, stampConnection: stamps)
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    /// Closes the read-only connection (a reader made from a ``LedgerDatabase`` leaves it open).
    public func close() throws(StoreError) {
        guard ownsConnection else { return }
        do {
            if let queue = reader as? DatabaseQueue { try queue.close() }
            if let pool = reader as? DatabasePool { try pool.close() }
            if let stamps = stampConnection as? DatabaseQueue, stamps !== reader as? DatabaseQueue {
                try stamps.close()
            }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    /// Runs `body` on one consistent snapshot of the ledger.
    func read<T>(_ body: (Database) throws -> T) throws(QueryError) -> T {
        do {
            return try reader.read(body)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.store(StoreError(wrapping: error, path: path).description))
        }
    }
}
