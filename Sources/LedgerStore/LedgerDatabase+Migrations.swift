import Foundation
import GRDB
import LedgerCore
import Logging

/// The applied-migration state of a database, read without changing it.
package struct AppliedState: Sendable {
    /// Identifiers recorded by the migrator, in order.
    package var applied: [String]
    /// The recorded checksum and time of each migration, from `schema_migration`.
    package var recorded: [String: (sha256: String, appliedAt: Int64)]

    package init(applied: [String], recorded: [String: (sha256: String, appliedAt: Int64)]) {
        self.applied = applied
        self.recorded = recorded
    }
}

/// The shipped migrations and the rules for applying them (either store's).
package struct MigrationPlan: Sendable {
    package let migrations: [Migration]

    package init(migrations: [Migration]) throws(StoreError) {
        let ids = migrations.map(\.id)
        guard ids == ids.sorted(), Set(ids).count == ids.count else {
            throw StoreError(.invalidMigration(ids.joined(separator: ","), "migrations must be unique and in order"))
        }
        self.migrations = migrations
    }

    /// A GRDB migrator running each migration in its own transaction, recording the file's SHA-256 in the same
    /// transaction, with foreign keys checked before each commit.
    func migrator(clock: any LedgerClock) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
                try Self.backfills[migration.id]?(db)
                try db.execute(
                    sql: "INSERT INTO schema_migration (id, sha256, applied_at) VALUES (?, ?, ?)",
                    arguments: [migration.id, migration.sha256, clock.now().millisecondsSinceEpoch])
            }
        }
        return migrator
    }

    /// The migrations still to apply to a database in `state`.
    /// - Throws: ``StoreError`` for a newer database, an altered migration, or a gap in the applied ones.
    package func pending(given state: AppliedState, path: String?) throws(StoreError) -> [Migration] {
        let known = Set(migrations.map(\.id))
        let unknown = state.applied.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw StoreError(.newerSchema(unknown: unknown), path: path) }
        for migration in migrations where state.applied.contains(migration.id) {
            let recorded = state.recorded[migration.id]?.sha256 ?? "none"
            guard recorded == migration.sha256 else {
                throw StoreError(
                    .checksumMismatch(migration: migration.id, recorded: recorded, shipped: migration.sha256),
                    path: path)
            }
        }
        let appliedSet = Set(state.applied)
        let pending = migrations.filter { !appliedSet.contains($0.id) }
        if let firstPending = pending.first, let lastApplied = state.applied.last, firstPending.id < lastApplied {
            throw StoreError(.migrationGap(missing: pending.filter { $0.id < lastApplied }.map(\.id)), path: path)
        }
        return pending
    }
}

extension LedgerDatabase {
    /// Reads which migrations a database file has applied, through a read-only connection.
    static func inspect(path: String) throws(StoreError) -> AppliedState {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
            defer { try? queue.close() }
            return try queue.read { db in try readState(db, path: path) }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    static func readState(_ db: Database, path: String?) throws -> AppliedState {
        guard try db.tableExists("grdb_migrations") else {
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") ?? 0
            guard tables == 0 else {
                throw StoreError(
                    .invalidData("this SQLite file is not a LedgerSync ledger (it has tables but no migration record)"),
                    path: path)
            }
            return AppliedState(applied: [], recorded: [:])
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        var recorded: [String: (sha256: String, appliedAt: Int64)] = [:]
        if try db.tableExists("schema_migration") {
            for row in try Row.fetchAll(db, sql: "SELECT id, sha256, applied_at FROM schema_migration") {
                recorded[row["id"]] = (row["sha256"], row["applied_at"])
            }
        }
        return AppliedState(applied: applied, recorded: recorded)
    }

    /// Writes a consistent copy of the database beside it with SQLite's online backup API, then verifies that the
    /// copy opens and passes `integrity_check`.
    /// - Returns: The backup's path.
    static func backup(
        path: String, lastApplied: String, clock: any LedgerClock, logger: Logger
    ) throws(StoreError)
        -> String
    {
        // Whole seconds in UTC, 20261121T203000Z: the first 19 characters of the ISO form leave out milliseconds.
        let stamp = clock.now().iso8601.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
        let backupPath = "\(path).backup-\(lastApplied)-\(stamp).sqlite"
        do {
            let descriptor = Foundation.open(backupPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw StoreError(.backupFailed(backupPath: backupPath, String(cString: strerror(errno))), path: path)
            }
            Foundation.close(descriptor)
            let source = try DatabaseQueue(path: path, configuration: configuration(readonly: true))
            defer { try? source.close() }
            let destination = try DatabaseQueue(path: backupPath)
            defer { try? destination.close() }
            try source.backup(to: destination)
            let verdict = try destination.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard verdict == ["ok"] else {
                throw StoreError(
                    .backupFailed(backupPath: backupPath, "integrity_check said \(verdict.joined(separator: "; "))"),
                    path: path)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.backupFailed(backupPath: backupPath, "\(error)"), path: path)
        }
        logger.info("backed up the ledger before upgrading", metadata: ["backup": "\(backupPath)"])
        return backupPath
    }
}
