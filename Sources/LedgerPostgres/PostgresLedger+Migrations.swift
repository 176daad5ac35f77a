import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresLedger {
    /// The first key of every advisory lock LedgerSync takes (`'LSNC'`), so that its locks never meet another
    /// application's in the same database. The second key says what is locked (``LockSubject``).
    static let lockNamespace: Int32 = 0x4C53_4E43

    /// What an advisory lock of LedgerSync's protects: the second key, beside ``lockNamespace``.
    enum LockSubject {
        /// Migrating the schema: one process at a time.
        case migrations
        /// Appending to the fact chain: one transaction at a time, from its first link to its commit.
        case chain
        /// Syncing one source (its `source_instance` id): one syncer per source.
        case source(Int64)

        var key: Int32 {
            switch self {
            case .migrations: 0
            case .chain: -1
            // Source ids are small positive integers; a larger one would wrap, which only narrows the locking.
            case .source(let id): Int32(truncatingIfNeeded: id)
            }
        }
    }

    /// Applies the pending migrations, each in its own transaction with its checksum recorded, under a session
    /// advisory lock: a second process starting at once waits, then finds them applied.
    /// - Parameter connection: A connection of its own (not the pool's), so that an unreachable server fails at
    ///   once instead of the pool retrying.
    /// - Returns: The migrations applied by this call.
    static func migrate(
        _ connection: PostgresConnection, plan: MigrationPlan, location: PostgresLocation, clock: any LedgerClock,
        logger: Logger
    ) async throws -> [String] {
        try await connection.query(
            "SELECT pg_advisory_lock(\(lockNamespace), \(LockSubject.migrations.key))", logger: logger)
        do {
            let applied = try await migrateLocked(
                connection, plan: plan, location: location, clock: clock, logger: logger)
            try await connection.query(
                "SELECT pg_advisory_unlock(\(lockNamespace), \(LockSubject.migrations.key))", logger: logger)
            return applied
        } catch {
            // The lock is the session's: released here, or by the server when the connection ends.
            _ = try? await connection.query(
                "SELECT pg_advisory_unlock(\(lockNamespace), \(LockSubject.migrations.key))", logger: logger)
            throw error
        }
    }

    private static func migrateLocked(
        _ connection: PostgresConnection, plan: MigrationPlan, location: PostgresLocation, clock: any LedgerClock,
        logger: Logger
    ) async throws -> [String] {
        let state = try await readState(connection, location: location, logger: logger)
        let pending = try plan.pending(given: state, path: location.description)
        for migration in pending {
            let now = clock.now().millisecondsSinceEpoch
            try await connection.withTransaction(logger: logger) { transaction in
                try await transaction.query(try script(migration), logger: logger)
                try await transaction.query(
                    """
                    INSERT INTO schema_migration (id, sha256, applied_at)
                    VALUES (\(migration.id), \(migration.sha256), \(now))
                    """, logger: logger)
            }
        }
        return pending.map(\.id)
    }

    /// A migration file as one statement: the extended query protocol (every query postgres-nio sends) takes one
    /// statement at a time, and a file holds many. PL/pgSQL's `EXECUTE` of a string without parameters runs several
    /// in order, within the transaction around it; the file's text is quoted with a dollar tag made of its own
    /// checksum, which the text cannot contain.
    static func script(_ migration: Migration) throws -> PostgresQuery {
        let tag = "$ledgersync_\(migration.sha256.prefix(16))$"
        guard !migration.sql.contains(tag) else {
            throw StoreError(.invalidMigration(migration.id, "the file contains the quoting tag \(tag)"))
        }
        return PostgresQuery(
            unsafeSQL:
                "DO $ledgersync_migration$ BEGIN EXECUTE \(tag)\(migration.sql)\(tag); END $ledgersync_migration$")
    }

    /// Reads which migrations the database has applied, changing nothing.
    /// - Throws: ``StoreError`` when the database has tables but no migration record (not a ledger).
    static func readState(
        _ connection: PostgresConnection, location: PostgresLocation, logger: Logger
    ) async throws -> AppliedState {
        let rows = try await connection.query(
            "SELECT to_regclass('schema_migration') IS NOT NULL", logger: logger)
        var hasRecord = false
        for try await (exists) in rows.decode(Bool.self) { hasRecord = exists }
        guard hasRecord else {
            let tables = try await connection.query(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", logger: logger)
            var count = 0
            for try await (value) in tables.decode(Int.self) { count = value }
            guard count == 0 else {
                throw StoreError(
                    .invalidData(
                        "this database is not a LedgerSync ledger (its schema has \(count) tables but no "
                            + "migration record); give LedgerSync a database, or a schema, of its own"),
                    path: location.description)
            }
            return AppliedState(applied: [], recorded: [:])
        }
        var applied: [String] = []
        var recorded: [String: (sha256: String, appliedAt: Int64)] = [:]
        let records = try await connection.query(
            "SELECT id, sha256, applied_at FROM schema_migration ORDER BY id", logger: logger)
        for try await (id, sha256, appliedAt) in records.decode((String, String, Int64).self) {
            applied.append(id)
            recorded[id] = (sha256, appliedAt)
        }
        return AppliedState(applied: applied, recorded: recorded)
    }
}
