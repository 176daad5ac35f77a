import LedgerCore

/// The exact bytes of one response with its request identity (no credential), as the store keeps them.
public struct RawResponseRecord: Sendable, Hashable {
    public var method: String
    /// The URL with every credential removed.
    public var url: String
    public var action: String?
    public var httpStatus: Int
    public var dateHeaderAt: Instant?
    public var receivedAt: Instant
    public var requestID: String?
    public var body: [UInt8]

    public init(
        method: String, url: String, action: String?, httpStatus: Int, dateHeaderAt: Instant?, receivedAt: Instant,
        requestID: String?, body: [UInt8]
    ) {
        self.method = method
        self.url = url
        self.action = action
        self.httpStatus = httpStatus
        self.dateHeaderAt = dateHeaderAt
        self.receivedAt = receivedAt
        self.requestID = requestID
        self.body = body
    }
}

/// A failed fetch, as the store keeps it.
public struct FetchErrorRecord: Sendable, Hashable {
    public var account: AccountKey?
    public var target: String
    public var kind: String
    public var httpStatus: Int?
    public var remoteCode: String?
    public var message: String
    public var requestID: String?
    public var retryable: Bool
    public var attempts: Int

    public init(
        account: AccountKey?, target: String, kind: String, httpStatus: Int?, remoteCode: String?, message: String,
        requestID: String?, retryable: Bool, attempts: Int
    ) {
        self.account = account
        self.target = target
        self.kind = kind
        self.httpStatus = httpStatus
        self.remoteCode = remoteCode
        self.message = message
        self.requestID = requestID
        self.retryable = retryable
        self.attempts = attempts
    }
}

/// A disagreement on gmtModified between an incoming observation and the store.
public enum ConflictKind: String, Sendable, CaseIterable {
    /// Older than the current version and new to the store: spliced into history at its valid time.
    case lateArrival = "late_arrival"
    /// Older than the current version and already known: ignored.
    case stale
    /// The same valid time as a stored version with different content: the stored one is kept and flagged.
    case sameTimestampDifferentContent = "same_timestamp_different_content"
    /// A gmtModified further in the future than the allowed clock skew: not stored until it is plausible.
    case clockSkew = "clock_skew"
}

/// What recording one observation did.
public enum ObservationResult: Sendable, Equatable {
    /// A new current version.
    case added(versionID: Int64)
    /// Nothing changed: no version, no conflict.
    case unchanged
    /// A conflict was found; `recorded` is false when the same conflict was already on record.
    case conflict(ConflictKind, recorded: Bool)
}
