import Dispatch

/// Work started at once on a thread of its own, waited for later: SQLite's checks and hashing a file are each
/// single-threaded, and verify and backup run two of them side by side on two cores.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // Written once by the work's thread before it signals; read only after the wait.
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    /// The work's value, once it has finished; what it threw, rethrown. It may be asked again.
    func wait() throws -> Value {
        done.wait()
        // Open for the next wait too: the result is set once, before the first signal, which orders it before
        // every read here.
        done.signal()
        return try result!.get()
    }
}
