import Foundation
import LedgerCore
import LedgerSources

/// The single-writer lock of a ledger: an exclusive `flock` on `<database>.lock`, which the kernel releases when
/// the holder exits, even by `kill -9`. The file says who holds it.
public final class SyncLock: Sendable {
    /// The lock file (the ledger's path with `.lock`).
    public let path: String
    private let descriptor: Int32

    /// Why the lock could not be taken.
    public struct Held: Error, Sendable, CustomStringConvertible {
        /// The lock file.
        public let path: String
        /// What the holder wrote: `pid 123 on host x since 2026-…`.
        public let holder: String
        public var description: String {
            "another sync holds \(path) (\(holder.isEmpty ? "holder unknown" : holder)); nothing was changed — "
                + "wait for it to finish"
        }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock at once or fails.
    /// - Parameters:
    ///   - databasePath: The ledger; the lock file is beside it.
    ///   - now: Written into the lock file with the pid and host.
    /// - Throws: ``Held`` when another process holds it; ``ConfigError`` when the lock file cannot be opened.
    public static func acquire(databasePath: String, now: Instant) throws -> SyncLock {
        let path = databasePath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigError(
                file: path, key: "", problem: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            let holder = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(path: databasePath, holder: holder)
        }
        let note = "pid \(getpid()) on host \(ProcessInfo.processInfo.hostName) since \(now.iso8601)\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return SyncLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock.
    public func release() {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
