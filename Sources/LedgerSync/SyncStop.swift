import Foundation

/// Asks a running sync to stop early: it takes no further account, lets the fetches in flight finish and their
/// writes land, marks nothing gone, and ends the run `interrupted`. What `serve` uses on SIGTERM.
public final class SyncStop: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    /// A signal not yet raised.
    public init() {}

    /// Raises it.
    public func request() { lock.withLock { requested = true } }

    /// Whether it was raised.
    public var isRequested: Bool { lock.withLock { requested } }
}
