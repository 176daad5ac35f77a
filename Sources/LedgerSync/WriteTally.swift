import Foundation
import LedgerStore

/// What a source's submitted writes came to as their groups committed: the counts, and the first failure.
final class WriteTally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = RunCounts()
    private var failure: StoreError?

    func add(_ result: Result<RunCounts, StoreError>) {
        lock.withLock {
            switch result {
            case .success(let added): counts = counts + added
            case .failure(let error): failure = failure ?? error
            }
        }
    }

    /// Throws the first failure, if a write failed.
    func check() throws(StoreError) {
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// The counts of every committed write.
    /// - Throws: The first failure, if a write failed.
    func total() throws(StoreError) -> RunCounts {
        try check()
        return lock.withLock { counts }
    }
}
