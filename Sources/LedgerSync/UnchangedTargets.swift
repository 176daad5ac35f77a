import Foundation
import LedgerCore

/// The targets of a source that changed nothing, collected into batches that are written as one unit each: the
/// writer is spared a transaction per unchanged target, and memory holds one batch, not the whole source.
final class UnchangedTargets: @unchecked Sendable {
    private let lock = NSLock()
    private let batch: Int
    private var keys: [AccountKey] = []

    init(batch: Int) { self.batch = max(1, batch) }

    /// Adds a key; returns a full batch to write, if this key completed one.
    func add(_ key: AccountKey) -> [AccountKey]? {
        lock.withLock {
            keys.append(key)
            guard keys.count >= batch else { return nil }
            defer { keys = [] }
            return keys
        }
    }

    /// The keys not yet handed out in a batch.
    func drain() -> [AccountKey] {
        lock.withLock {
            defer { keys = [] }
            return keys
        }
    }
}
