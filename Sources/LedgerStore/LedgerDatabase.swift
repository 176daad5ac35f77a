import Foundation
import GRDB
import LedgerCore
import Logging

/// The ledger: one SQLite database whose schema is created and upgraded only by the shipped migrations.
///
/// Open a file with ``open(path:migrations:clock:logger:)``: it creates a new file (mode 0600) at the latest
/// version, upgrades an older one after writing a verified backup beside it, and refuses a database whose applied
/// migrations were altered or come from a newer build, leaving that file untouched.
public final class LedgerDatabase: Sendable {
    /// The connection pool (WAL): one writer, concurrent readers.
    ///
    /// Sealed in the package: everything outside LedgerStore reads through ``LedgerReader`` and writes through
    /// ``transaction(at:_:)``. The store's own tests reach it to check what SQL alone can show (constraints,
    /// triggers, plans); no module writes SQL around the store.
    package let writer: any DatabaseWriter
    /// The database file, or `nil` for an in-memory store.
    public let path: String?
    /// What opening the file did.
    public let openReport: OpenReport
    let clock: any LedgerClock

    /// What ``open(path:migrations:clock:logger:)`` did to reach the current schema.
    public struct OpenReport: Sendable, Equatable {
        /// The file did not exist and was created.
        public var created: Bool
        /// Migrations applied by this open, in order.
        public var applied: [String]
        /// The backup written before applying them, if the database already had data.
        public var backupPath: String?
    }

    private init(writer: any DatabaseWriter, path: String?, openReport: OpenReport, clock: any LedgerClock) {
        self.writer = writer
        self.path = path
        self.openReport = openReport
        self.clock = clock
    }

    /// The page cache of each connection, in KiB, for a pass that visits every account once (a sync).
    ///
    /// Such a pass reads each account's pages once, so a cache beyond the B-tree's upper levels buys nothing (the
    /// sync benchmark ran as fast with this as with SQLite's 2,000 KiB) and only fills as the ledger grows: with
    /// SQLite's default, a sync of 100k accounts held about 2 MB more than one of 10k (writer and readers).
    public static let singlePassPageCacheKiB = 256

    /// Receives the SQL of each statement a connection runs, as prepared (with `?` for arguments).
    package typealias StatementObserver = @Sendable (String) -> Void

    /// The connection settings every ledger connection uses: foreign keys on, a busy timeout so readers and the
    /// single writer wait for each other instead of failing.
    /// - Parameters:
    ///   - readonly: Connections only read.
    ///   - pageCacheKiB: Each connection's page cache; `nil` keeps SQLite's default.
    ///   - statementObserver: Called with the SQL of every statement any connection runs (tests of query plans).
    static func configuration(
        readonly: Bool = false, pageCacheKiB: Int? = nil, statementObserver: StatementObserver? = nil
    ) -> Configuration {
        var configuration = Configuration()
        if let statementObserver {
            configuration.prepareDatabase { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statementObserver(statement.sql) }
                }
            }
        }
        if let pageCacheKiB {
            // A negative cache_size is a size in KiB rather than a number of pages.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(max(1, pageCacheKiB))") }
        }
        configuration.foreignKeysEnabled = true
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        configuration.label = "LedgerSync"
        if !readonly {
            configuration.prepareDatabase { db in
                // WAL with synchronous=NORMAL survives a killed process with every committed transaction intact.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // Each unit of a group commit is a savepoint, and a savepoint saves every page it touches to a
                // statement journal first. On disk that journal was most of the sync's file writes (about 40 times
                // the database's size); in memory it is a copy of a few pages, freed when the unit is released.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
        }
        return configuration
    }

    /// Opens (creating or upgrading) the ledger database at `path`.
    ///
    /// - Parameters:
    ///   - path: The database file. Its directory must exist.
    ///   - migrations: The schema migrations, in order; the shipped ones unless a test passes others.
    ///   - clock: The time recorded for applied migrations and used in backup names.
    ///   - pageCacheKiB: Each connection's page cache in KiB (``singlePassPageCacheKiB`` for a sync); `nil` keeps
    ///     SQLite's default, which suits queries that come back to the same pages.
    ///   - logger: Where the steps taken are logged.
    /// - Returns: The open database at the latest schema version.
    /// - Throws: ``StoreError``: a newer or altered database (left byte-identical), a failed backup, SQLite errors.
    public static func open(
        path: String,
        migrations: [Migration] = Migration.shipped,
        clock: any LedgerClock = SystemClock(),
        pageCacheKiB: Int? = nil,
        logger: Logger
    ) throws(StoreError) -> LedgerDatabase {
        try open(
            path: path, migrations: migrations, clock: clock, pageCacheKiB: pageCacheKiB, logger: logger,
            statementObserver: nil)
    }

    /// ``open(path:migrations:clock:pageCacheKiB:logger:)`` with every connection reporting each statement it runs
    /// to `statementObserver`: the query-plan tests check the statements the store really runs.
    package static func open(
        path: String, migrations: [Migration] = Migration.shipped, clock: any LedgerClock = SystemClock(),
        pageCacheKiB: Int? = nil, logger: Logger, statementObserver: StatementObserver?
    ) throws(StoreError) -> LedgerDatabase {
        let plan = try MigrationPlan(migrations: migrations)
        var report = OpenReport(created: false, applied: [], backupPath: nil)
        if FileManager.default.fileExists(atPath: path) {
            let state = try inspect(path: path)
            let pending = try plan.pending(given: state, path: path)
            if !pending.isEmpty, !state.applied.isEmpty {
                report.backupPath = try backup(
                    path: path, lastApplied: state.applied.last!, clock: clock, logger: logger)
            }
        } else {
            try createFile(path: path)
            report.created = true
            logger.info("created a new ledger database", metadata: ["path": "\(path)"])
        }
        do {
            let pool = try DatabasePool(
                path: path,
                configuration: configuration(pageCacheKiB: pageCacheKiB, statementObserver: statementObserver))
            report.applied = try migrate(pool, plan: plan, clock: clock)
            if !report.applied.isEmpty {
                logger.info(
                    "applied migrations",
                    metadata: ["path": "\(path)", "migrations": "\(report.applied.joined(separator: ","))"])
            }
            return LedgerDatabase(writer: pool, path: path, openReport: report, clock: clock)
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    /// Closes every connection; a WAL database is checkpointed and its `-wal` file removed.
    /// - Throws: ``StoreError`` when SQLite cannot close (a statement still running).
    public func close() throws(StoreError) {
        do {
            if let pool = writer as? DatabasePool {
                // Fold the WAL into the database so a closed ledger is one self-contained file.
                try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                try pool.close()
            } else if let queue = writer as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    private static func migrate(
        _ writer: any DatabaseWriter, plan: MigrationPlan, clock: any LedgerClock
    ) throws
        -> [String]
    {
        let before = try writer.read { db in try plan.migrator(clock: clock).appliedIdentifiers(db) }
        try plan.migrator(clock: clock).migrate(writer)
        return plan.migrations.map(\.id).filter { !before.contains($0) }
    }

    /// Creates an empty file readable and writable by its owner only, before SQLite first writes to it.
    private static func createFile(path: String) throws(StoreError) {
        let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.cannotCreate(String(cString: strerror(errno))), path: path)
        }
        Foundation.close(descriptor)
    }
}
