import Crypto
import Foundation
import GRDB
import LedgerCore

/// Backups of a ledger: online copies through SQLite's backup API, checked before they are given their name, and
/// restores that check the copy first and never overwrite a ledger in place.
///
/// A backup is one self-contained file (rollback journal, no `-wal` beside it), mode 0600, with a manifest beside it
/// (`NAME.manifest.json`): the schema it is at, its row counts and the SHA-256 of its bytes. Until it has passed
/// `integrity_check` and been synced to disk it exists only under a temporary name (`NAME.partial`), so a backup
/// killed or failing half-way leaves nothing at `NAME`.
public enum LedgerBackup {
    /// What a backup holds, as its manifest says.
    public struct Manifest: Sendable, Equatable {
        /// The last migration the copy has applied.
        public var ledgerSchema: String
        /// When the copy was taken.
        public var createdAt: Instant
        /// The file's size in bytes.
        public var bytes: Int64
        /// The SHA-256 of the file's bytes, lowercase hex.
        public var sha256: String
        /// Each table's row count, by name.
        public var rows: [String: Int64]
        /// The head of the copy's hash chain (absent in manifests of copies taken before the chain existed).
        public var chainHead: ChainHead?

        /// The manifest as JSON (the file beside the backup).
        public var jsonText: String {
            JSONValue.object(
                JSONObject([
                    ("schema", .string("ledgersync.backup-manifest/1")),
                    ("ledger_schema", .string(ledgerSchema)), ("created_at", .string(createdAt.iso8601)),
                    ("bytes", .number(String(bytes))), ("sha256", .string(sha256)),
                    ("chain_head", chainHead?.json ?? .null),
                    (
                        "rows",
                        .object(JSONObject(rows.keys.sorted().map { ($0, .number(String(rows[$0] ?? 0))) }))
                    ),
                ])
            ).prettyText() + "\n"
        }

        /// Reads a manifest's JSON.
        init(json text: String, path: String) throws(StoreError) {
            func bad(_ what: String) -> StoreError {
                StoreError(.invalidData("the backup manifest \(path) \(what)"), path: nil)
            }
            guard case .object(let root)? = try? JSONValue.parse(text) else { throw bad("is not JSON") }
            guard case .string("ledgersync.backup-manifest/1")? = root["schema"] else {
                throw bad("is not a LedgerSync backup manifest")
            }
            guard case .string(let schema)? = root["ledger_schema"], case .string(let created)? = root["created_at"],
                let createdAt = try? Instant(iso8601: created), case .number(let size)? = root["bytes"],
                let bytes = Int64(size), case .string(let digest)? = root["sha256"],
                case .object(let counts)? = root["rows"]
            else { throw bad("lacks a field") }
            var rows: [String: Int64] = [:]
            for (table, value) in counts.members {
                guard case .number(let text) = value, let count = Int64(text) else { throw bad("has a bad row count") }
                rows[table] = count
            }
            var head: ChainHead? = nil
            if case .object(let object)? = root["chain_head"] {
                guard case .number(let position)? = object["position"], let at = Int64(position),
                    case .string(let hash)? = object["hash"], FactChain.isHash(hash)
                else { throw bad("has a bad chain head") }
                head = ChainHead(position: at, hash: hash)
            }
            self.init(
                ledgerSchema: schema, createdAt: createdAt, bytes: bytes, sha256: digest, rows: rows, chainHead: head)
        }

        init(
            ledgerSchema: String, createdAt: Instant, bytes: Int64, sha256: String, rows: [String: Int64],
            chainHead: ChainHead?
        ) {
            self.ledgerSchema = ledgerSchema
            self.createdAt = createdAt
            self.bytes = bytes
            self.sha256 = sha256
            self.rows = rows
            self.chainHead = chainHead
        }
    }

    /// A scratch copy of the ledger at `source`, taken with SQLite's backup API from one read transaction (a
    /// consistent snapshot while a sync writes), as one file at `destination`: what `verify` rebuilds and compares.
    /// Unlike ``write(from:to:clock:)`` it checks nothing and writes no manifest.
    /// - Throws: ``StoreError`` when the copy cannot be made (a full disk included).
    public static func snapshot(from source: String, to destination: String) throws(StoreError) {
        do {
            try copyPages(from: source, to: destination)
        } catch {
            throw StoreError(.copyFailed(destination: destination, reason(error)), path: source)
        }
    }

    private static func copyPages(from source: String, to destination: String) throws {
        let from = try DatabaseQueue(path: source, configuration: LedgerDatabase.configuration(readonly: true))
        defer { try? from.close() }
        let copy = try DatabaseQueue(path: destination)
        defer { try? copy.close() }
        try from.backup(to: copy)
        // One file: the copy carries the source's WAL mode in its header until told otherwise.
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
    }

    /// Why a copy failed, in words a user can act on (SQLite's own message for a failed backup step is often
    /// "not an error").
    static func reason(_ error: any Error) -> String {
        if let error = error as? StoreError { return "\(error.code)" }
        guard let error = error as? DatabaseError else { return String(describing: error) }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL: return "the disk is full"
        case .SQLITE_IOERR:
            return
                "a write failed (disk I/O error): the disk may be full, the file too large for it, or the disk failing"
        case .SQLITE_CANTOPEN: return "the file cannot be opened (does its directory exist and allow writing?)"
        case .SQLITE_READONLY, .SQLITE_PERM: return "the file or its directory cannot be written"
        default:
            let message = error.message.flatMap { $0 == "not an error" ? nil : $0 }
            return (message ?? "SQLite error") + " (\(error.resultCode))"
        }
    }

    /// Removes a partial copy and what SQLite kept beside it (its rollback journal, a WAL).
    static func removePartial(_ partial: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: partial + suffix)
        }
    }

    /// The manifest's path for the backup at `path`.
    public static func manifestPath(_ path: String) -> String { path + ".manifest.json" }

    /// Copies the ledger at `source` to `destination` while other processes read and write it (a consistent
    /// snapshot: SQLite's backup API in one step from a read transaction), checks the copy, and names it.
    /// - Returns: The manifest written beside the copy.
    /// - Throws: ``StoreError``: the source is not a ledger of this build, `destination` exists, or the copy failed
    ///   (a full disk included); nothing is then left at `destination`.
    public static func write(
        from source: String, to destination: String, clock: any LedgerClock
    ) throws(StoreError) -> Manifest {
        let state = try LedgerDatabase.inspect(path: source)
        _ = try MigrationPlan(migrations: Migration.shipped).pending(given: state, path: source)
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(
                .copyFailed(destination: destination, "a file is already there (choose another name)"), path: source)
        }
        let partial = destination + ".partial"
        func failed(_ reason: String) -> StoreError {
            removePartial(partial)
            return StoreError(.copyFailed(destination: destination, reason), path: source)
        }
        // A partial file of a backup that was killed is garbage: this backup starts afresh.
        removePartial(partial)
        let descriptor = Foundation.open(partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failed(String(cString: strerror(errno))) }
        Foundation.close(descriptor)
        let manifest: Manifest
        do {
            try copyPages(from: source, to: partial)
            // The copy is complete and no longer written: its bytes are hashed (and forced to disk) on another core
            // while this one checks it.
            let digesting = BackgroundWork { try fileDigest(partial, sync: true) }
            defer { _ = try? digesting.wait() }
            let copy = try DatabaseQueue(path: partial)
            defer { try? copy.close() }
            let (verdict, rows) = try copy.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try tableCounts(db))
            }
            guard verdict == ["ok"] else {
                throw failed("the copy failed integrity_check: \(verdict.prefix(3).joined(separator: "; "))")
            }
            // The copy's chain, walked before the copy gets its name: a backup of a tampered ledger says so now,
            // not on the day it is needed.
            let walk = try copy.read { db in try LedgerVerifier.walkChain(db, expectHead: nil) }
            guard walk.findings.isEmpty else {
                throw failed(
                    "the copy's hash chain does not verify: "
                        + walk.findings.prefix(3).map(\.description).joined(separator: "; "))
            }
            try copy.close()
            let (bytes, digest) = try digesting.wait()
            manifest = Manifest(
                ledgerSchema: state.applied.last ?? "", createdAt: clock.now(), bytes: bytes, sha256: digest,
                rows: rows, chainHead: walk.head)
        } catch let error as StoreError {
            removePartial(partial)
            throw error
        } catch {
            throw failed(reason(error))
        }
        guard rename(partial, destination) == 0 else { throw failed(String(cString: strerror(errno))) }
        do {
            try writeAtomically(manifest.jsonText, to: manifestPath(destination))
        } catch {
            throw StoreError(
                .copyFailed(
                    destination: destination, "the copy is in place, its manifest could not be written: \(error)"),
                path: source)
        }
        return manifest
    }

    /// Checks a backup before it is used: its manifest's digest (when it has one), SQLite's integrity check, and
    /// that this build knows its schema (a newer one is refused).
    /// - Returns: The manifest, when there is one.
    /// - Throws: ``StoreError`` naming what is wrong.
    @discardableResult
    public static func check(_ backup: String) throws(StoreError) -> Manifest? {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw StoreError(.invalidData("no backup here"), path: backup)
        }
        var manifest: Manifest?
        let manifestFile = manifestPath(backup)
        if let data = FileManager.default.contents(atPath: manifestFile) {
            let found = try Manifest(json: String(decoding: data, as: UTF8.self), path: manifestFile)
            let digest: String
            do { digest = try fileDigest(backup, sync: false).sha256 } catch {
                throw StoreError(.invalidData("cannot read the backup: \(error)"), path: backup)
            }
            guard digest == found.sha256 else {
                throw StoreError(
                    .invalidData(
                        "the backup's SHA-256 is \(digest), its manifest says \(found.sha256): the file changed since"),
                    path: backup)
            }
            manifest = found
        }
        let state = try LedgerDatabase.inspect(path: backup)
        _ = try MigrationPlan(migrations: Migration.shipped).pending(given: state, path: backup)
        let verification = try LedgerVerifier.quick(path: backup, expectHead: manifest?.chainHead?.hash)
        let findings = verification.findings
        guard findings.isEmpty else {
            throw StoreError(
                .invalidData(
                    "the backup does not verify: \(findings.prefix(3).map(\.description).joined(separator: "; "))"),
                path: backup)
        }
        return manifest
    }

    /// What a restore did.
    public struct Restored: Sendable, Equatable {
        /// Where the ledger that was at the destination was moved, if one was.
        public var movedAside: String?
    }

    /// Puts a checked copy of `backup` at `path`. A ledger already at `path` is never overwritten: with `force` it
    /// is moved aside under a dated name (with its `-wal` and `-shm`), without it the restore is refused.
    ///
    /// The caller holds the ledger's writer lock, so that no sync writes into a file being moved.
    /// - Throws: ``StoreError`` naming what is wrong; the ledger at `path` is then as it was.
    public static func restore(
        from backup: String, to path: String, force: Bool, clock: any LedgerClock
    ) throws(StoreError) -> Restored {
        try check(backup)
        var restored = Restored()
        let partial = path + ".restoring"
        removePartial(partial)
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: partial)
            guard chmod(partial, 0o600) == 0 else { throw StoreError(.cannotCreate(partial), path: path) }
            _ = try fileDigest(partial, sync: true)
        } catch {
            removePartial(partial)
            throw StoreError(.invalidData("cannot copy the backup to \(partial): \(error)"), path: path)
        }
        if FileManager.default.fileExists(atPath: path) {
            guard force else {
                removePartial(partial)
                throw StoreError(
                    .invalidData(
                        "a ledger is already here; restore never overwrites one: pass --force to move it aside"),
                    path: path)
            }
            let stamp = clock.now().iso8601.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
            let aside = "\(path).replaced-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                guard rename(path + suffix, aside + suffix) == 0 else {
                    removePartial(partial)
                    throw StoreError(
                        .invalidData("cannot move \(path + suffix) aside: \(String(cString: strerror(errno)))"),
                        path: path)
                }
            }
            restored.movedAside = aside
        }
        guard rename(partial, path) == 0 else {
            throw StoreError(
                .invalidData("cannot put the copy in place: \(String(cString: strerror(errno)))"), path: path)
        }
        return restored
    }

    /// Every table's row count, by name (SQLite's own tables left out).
    static func tableCounts(_ db: Database) throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            counts[table] = try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
        }
        return counts
    }

    /// A file's size and SHA-256, read in chunks; with `sync`, its bytes are forced to disk first.
    static func fileDigest(_ path: String, sync: Bool) throws -> (bytes: Int64, sha256: String) {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        if sync { try handle.synchronize() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return (bytes, lowercaseHex(hasher.finalize()))
    }

    /// Writes `text` to `path` (mode 0600) under a temporary name, then renames it into place.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".partial"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw StoreError(.cannotCreate(temporary), path: nil) }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(.cannotCreate(path), path: nil)
        }
    }
}
