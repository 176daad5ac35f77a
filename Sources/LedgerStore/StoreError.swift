import GRDB

/// An error from the ledger store, with the database path and what to do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// A migration file in the build is malformed (name, text).
        case invalidMigration(String, String)
        /// The database records a migration whose checksum differs from the file this build ships.
        case checksumMismatch(migration: String, recorded: String, shipped: String)
        /// The database has migrations this build does not know: a newer build wrote it.
        case newerSchema(unknown: [String])
        /// The migrations this build ships are not a continuation of those the database has applied.
        case migrationGap(missing: [String])
        /// The database file could not be created.
        case cannotCreate(String)
        /// The backup taken before an upgrade failed or did not verify.
        case backupFailed(backupPath: String, String)
        /// A backup asked for (`ledgersync backup`) failed or did not verify; nothing was left at its name.
        case copyFailed(destination: String, String)
        /// SQLite reported an error.
        case sqlite(String)
        /// PostgreSQL (the server or the connection to it) reported an error.
        case postgres(String)
        /// A store URL that cannot be used as given (the reason says which part).
        case invalidLocation(String)
        /// The store is not at the schema version this build expects.
        case notMigrated(pending: [String])
        /// A value read from or written to the store breaks a rule of the ledger.
        case invalidData(String)
        /// A stored value this build does not know (a hand edit, damage, or a newer build's value).
        case unexpectedValue(table: String, column: String, value: String)
    }

    /// What went wrong.
    public let code: Code
    /// The database concerned, when there is one: a SQLite file's path, or a PostgreSQL URL without its password.
    public let path: String?

    /// An error of `code` about the database at `path`.
    public init(_ code: Code, path: String? = nil) {
        self.code = code
        self.path = path
    }

    /// Wraps an error thrown by GRDB or SQLite.
    init(wrapping error: any Error, path: String?) {
        if let storeError = error as? StoreError {
            // A read's own errors (an unexpected stored value) learn the file here.
            self.init(storeError.code, path: storeError.path ?? path)
        } else if let databaseError = error as? DatabaseError {
            self.init(
                .sqlite("\(databaseError.message ?? "\(databaseError.resultCode)") (\(databaseError.resultCode))"),
                path: path)
        } else {
            self.init(.sqlite(String(describing: error)), path: path)
        }
    }

    public var description: String {
        let location = path.map { "database \($0)" } ?? "the database"
        switch code {
        case .invalidMigration(let id, let reason):
            return "migration \(id) shipped with this build is invalid: \(reason)"
        case .checksumMismatch(let migration, let recorded, let shipped):
            return "\(location) was migrated with a different \(migration).sql (recorded SHA-256 \(recorded), "
                + "this build ships \(shipped)); a landed migration must never change — restore the original file "
                + "or use the build that wrote this database"
        case .newerSchema(let unknown):
            return "\(location) was written by a newer LedgerSync (it has migrations this build does not know: "
                + "\(unknown.joined(separator: ", "))); it was left untouched — use a newer ledgersync"
        case .migrationGap(let missing):
            return "\(location) has later migrations applied but lacks \(missing.joined(separator: ", ")); "
                + "it cannot be upgraded safely — restore it from a backup"
        case .cannotCreate(let reason):
            return "cannot create \(location): \(reason)"
        case .copyFailed(let destination, let reason):
            return
                "the backup of \(location) to \(destination) failed: \(reason); nothing was written at \(destination)"
        case .backupFailed(let backupPath, let reason):
            return "the backup of \(location) to \(backupPath) failed, so the upgrade was not started: \(reason)"
        case .sqlite(let message):
            return "SQLite error on \(location): \(message)"
        case .postgres(let message):
            return "PostgreSQL error on \(location): \(message)"
        case .invalidLocation(let reason):
            return "the store URL \(path ?? "") cannot be used: \(reason)"
        case .notMigrated(let pending):
            return "\(location) needs migrations \(pending.joined(separator: ", ")); run `ledgersync migrate`"
        case .invalidData(let reason):
            return "\(location): \(reason)"
        case .unexpectedValue(let table, let column, let value):
            return "\(location) holds \(table).\(column) = '\(value.prefix(80))', which this build does not "
                + "know: the file was edited or damaged outside LedgerSync, or a newer build wrote it"
        }
    }
}
