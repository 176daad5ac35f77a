import Foundation
import LedgerCore

/// A clock that moves only when told.
public final class SteppedClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Instant

    public init(_ start: Instant) { instant = start }

    public func now() -> Instant { lock.withLock { instant } }

    public func advance(milliseconds: Int64) { lock.withLock { instant = instant.adding(milliseconds: milliseconds) } }
}
