import Foundation
import LedgerCore

/// A clock that moves only when told.
public final class SteppedClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Instant

    /// A clock at `start` (by default 2026-11-21 12:00 UTC).
    public init(_ start: Instant = Instant(year: 2026, month: 11, day: 21, hour: 12)) { instant = start }

    public func now() -> Instant { lock.withLock { instant } }

    public func advance(milliseconds: Int64) { lock.withLock { instant = instant.adding(milliseconds: milliseconds) } }

    public func advance(seconds: Int64) { advance(milliseconds: seconds * 1000) }
}
