/// A point in time: whole milliseconds since 1970-01-01T00:00:00Z, as the store keeps every instant.
public struct Instant: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z (negative before it).
    public let millisecondsSinceEpoch: Int64

    /// The instant `millisecondsSinceEpoch` after the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Creates an instant from whole seconds since the epoch.
    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The instant `milliseconds` later (earlier when negative).
    public func adding(milliseconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    /// The instant `seconds` later (earlier when negative).
    public func adding(seconds: Int64) -> Instant {
        adding(milliseconds: seconds * 1000)
    }
}

/// Why a time could not be read.
public struct InstantParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that did not parse.
    public let text: String
    /// The form expected.
    public let expected: String

    public var description: String {
        "\"\(text.prefix(64))\" is not a valid time: expected \(expected)"
    }
}

/// A source of the current time, injected so tests control it.
public protocol LedgerClock: Sendable {
    /// The current instant.
    func now() -> Instant
}
