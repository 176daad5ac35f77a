import Foundation
import GRDB
import LedgerCore

/// One backup `serve` took or tried to take, as `backup_run` keeps it.
public struct BackupRecord: Sendable, Equatable {
    /// How it ended.
    public enum Outcome: String, Sendable {
        /// Written, checked and named.
        case ok
        /// Not written; ``BackupRecord/error`` says why.
        case failed
    }

    /// When it started.
    public var startedAt: Instant
    /// When it ended.
    public var finishedAt: Instant
    /// How it ended.
    public var outcome: Outcome
    /// The backup file, or the file it was to be.
    public var path: String
    /// The file's size (ok only).
    public var bytes: Int64?
    /// The file's SHA-256 (ok only).
    public var sha256: String?
    /// The chain head the copy holds (ok only).
    public var chainHead: ChainHead?
    /// Why it failed.
    public var error: String?
    /// How many older backups were removed because this one verified and more than `keep` were there.
    public var pruned: Int

    /// A backup that was written and checked.
    public static func ok(
        startedAt: Instant, finishedAt: Instant, path: String, manifest: LedgerBackup.Manifest, pruned: Int
    ) -> BackupRecord {
        BackupRecord(
            startedAt: startedAt, finishedAt: finishedAt, outcome: .ok, path: path, bytes: manifest.bytes,
            sha256: manifest.sha256, chainHead: manifest.chainHead ?? .genesis, error: nil, pruned: pruned)
    }

    /// A backup that failed, and why.
    public static func failed(startedAt: Instant, finishedAt: Instant, path: String, error: String) -> BackupRecord {
        BackupRecord(
            startedAt: startedAt, finishedAt: finishedAt, outcome: .failed, path: path, bytes: nil, sha256: nil,
            chainHead: nil, error: error, pruned: 0)
    }
}

/// The backups a ledger has recorded: the status API, `/metrics`, the dashboard and the `backup` alert read it.
public struct BackupStatus: Sendable, Equatable {
    /// The newest attempt, whatever its outcome.
    public var lastAttempt: BackupRecord?
    /// The newest backup that was written and checked.
    public var lastSuccess: BackupRecord?
    /// Failed attempts, ever.
    public var failures: Int64
}

extension LedgerTransaction {
    /// Records a backup attempt.
    public func recordBackup(_ record: BackupRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO backup_run (started_at, finished_at, outcome, path, bytes, sha256, chain_position,
                    chain_hash, error, pruned)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.startedAt.millisecondsSinceEpoch, record.finishedAt.millisecondsSinceEpoch,
                record.outcome.rawValue, record.path, record.bytes, record.sha256, record.chainHead?.position,
                record.chainHead?.hash, record.error, record.pruned,
            ])
    }
}

extension LedgerReader {
    /// The newest backup attempt, the newest good one, and how many failed.
    public func backupStatus() throws(QueryError) -> BackupStatus {
        try read { db in
            func record(_ sql: String) throws -> BackupRecord? {
                guard let row = try Row.fetchOne(db, sql: sql) else { return nil }
                let position: Int64? = try row.decode(forColumn: "chain_position")
                let hash: String? = try row.decode(forColumn: "chain_hash")
                return BackupRecord(
                    startedAt: Instant(millisecondsSinceEpoch: try row.decode(forColumn: "started_at")),
                    finishedAt: Instant(millisecondsSinceEpoch: try row.decode(forColumn: "finished_at")),
                    outcome: try StoredEnum.decode(BackupRecord.Outcome.self, row, "outcome", table: "backup_run"),
                    path: try row.decode(forColumn: "path"), bytes: try row.decode(forColumn: "bytes"),
                    sha256: try row.decode(forColumn: "sha256"),
                    chainHead: position.flatMap { at in hash.map { ChainHead(position: at, hash: $0) } },
                    error: try row.decode(forColumn: "error"), pruned: try row.decode(forColumn: "pruned"))
            }
            return BackupStatus(
                lastAttempt: try record("SELECT * FROM backup_run ORDER BY finished_at DESC, id DESC LIMIT 1"),
                lastSuccess: try record(
                    "SELECT * FROM backup_run WHERE outcome = 'ok' ORDER BY finished_at DESC, id DESC LIMIT 1"),
                failures: try Int64.fetchOne(db, sql: "SELECT count(*) FROM backup_run WHERE outcome = 'failed'") ?? 0)
        }
    }
}
