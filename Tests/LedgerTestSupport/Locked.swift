import Foundation

/// A value shared between a test and callbacks that run on other threads (a progress display, a handler).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    fileprivate let lock = NSLock()
    fileprivate var stored: Value

    public init(_ value: Value) { stored = value }

    /// The value now; setting it replaces it.
    public var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

}

extension Locked where Value == Int {
    /// Adds one and returns the new value, atomically.
    public func increment() -> Int {
        lock.withLock {
            stored += 1
            return stored
        }
    }
}
