import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Logging
import ServiceLifecycle

/// The backups `serve` takes on the `[backup]` schedule: one at startup when the last good one is older than the
/// interval, then one every interval. Each is written and checked by ``LedgerBackup`` (a consistent snapshot while
/// syncs write), checked again as a restore would (the manifest's SHA-256, the chain), and recorded in the ledger
/// with its outcome. Only then are the oldest beyond `keep` removed: a failed backup never costs a good one.
struct ScheduledBackups: Service {
    let schedule: BackupSchedule
    let storePath: String
    let reader: LedgerReader
    let clock: any LedgerClock
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger

    /// The backup files this schedule writes and prunes: `ledger-<UTC time>.sqlite`; nothing else in the
    /// directory is touched.
    static let prefix = "ledger-"
    static let suffix = ".sqlite"

    func run() async throws {
        var delay = firstDelay()
        while !Task.isShuttingDownGracefully {
            let wait = delay
            do {
                try await cancelWhenGracefulShutdown { try await sleep(wait) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            _ = await takeOne()
            delay = schedule.every
        }
    }

    /// Due at once without a good backup younger than the interval.
    func firstDelay() -> Duration {
        guard let last = (try? reader.backupStatus())?.lastSuccess?.finishedAt else { return .zero }
        let elapsed = Duration.milliseconds(clock.now().millisecondsSinceEpoch - last.millisecondsSinceEpoch)
        return elapsed >= .zero && elapsed < schedule.every ? schedule.every - elapsed : .zero
    }

    /// Takes one backup, prunes after a verified one, and records the attempt in the ledger.
    func takeOne() async -> BackupRecord {
        let started = clock.now()
        let path = nextPath(at: started)
        var record: BackupRecord
        do {
            try FileManager.default.createDirectory(
                atPath: schedule.directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let (storePath, clock) = (self.storePath, self.clock)
            // Seconds of SQLite work for a large ledger: on a thread of its own, never one of the few that answer
            // requests.
            let manifest = try await Self.offPool {
                let manifest = try LedgerBackup.write(from: storePath, to: path, clock: clock)
                // Checked again as a restore would check it before the older ones may go.
                _ = try LedgerBackup.check(path)
                return manifest
            }
            record = .ok(
                startedAt: started, finishedAt: clock.now(), path: path, manifest: manifest,
                pruned: prune(keeping: path))
            logger.notice(
                "backup written",
                metadata: ["path": "\(path)", "bytes": "\(manifest.bytes)", "pruned": "\(record.pruned)"])
        } catch {
            record = .failed(startedAt: started, finishedAt: clock.now(), path: path, error: "\(error)")
            logger.error("backup failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
        do {
            let database = try LedgerDatabase.open(path: storePath, clock: clock, logger: logger)
            defer { try? database.close() }
            try await database.transaction { [record] tx in try tx.recordBackup(record) }
        } catch {
            logger.error("the backup could not be recorded in the ledger", metadata: ["error": "\(error)"])
        }
        return record
    }

    /// Runs blocking work on a dispatch thread and waits for it without holding a thread of the concurrency pool.
    static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `DIR/ledger-20261203T125122Z.sqlite`, with `-2`, `-3`… when that name is taken.
    func nextPath(at instant: Instant) -> String {
        let stamp = instant.iso8601.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
        let base = "\(schedule.directory)/\(Self.prefix)\(stamp)"
        var path = base + Self.suffix
        var index = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(base)-\(index)\(Self.suffix)"
            index += 1
        }
        return path
    }

    /// Removes the oldest of this schedule's backups beyond `keep` (with their manifests), never `newest`.
    /// - Returns: How many were removed.
    func prune(keeping newest: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: schedule.directory)) ?? []
        let backups = names.filter { $0.hasPrefix(Self.prefix) && $0.hasSuffix(Self.suffix) }.sorted(by: >)
        var removed = 0
        for name in backups.dropFirst(schedule.keep) {
            let path = "\(schedule.directory)/\(name)"
            guard path != newest else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: LedgerBackup.manifestPath(path))
                removed += 1
            } catch {
                logger.warning(
                    "an old backup could not be removed", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        return removed
    }
}
