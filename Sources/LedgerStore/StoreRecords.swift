import LedgerCore

/// The exact bytes of one response with its request identity (no credential), as the store keeps them.
public struct RawResponseRecord: Sendable, Hashable {
    /// The HTTP method.
    public var method: String
    /// The URL with every credential removed.
    public var url: String
    /// The API action (ModelRouter's `x-acs-action`), if any.
    public var action: String?
    /// The answer's status.
    public var httpStatus: Int
    /// The answer's Date header, if it had one.
    public var dateHeaderAt: Instant?
    /// When it arrived.
    public var receivedAt: Instant
    /// The source's id of the request (such as `x-acs-request-id`), for its support.
    public var requestID: String?
    /// The body, byte for byte.
    public var body: [UInt8]

    /// A response as it arrived, without credentials.
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
    /// The account fetched, when the failure belongs to one.
    public var account: AccountKey?
    /// What was fetched, as the sync names it.
    public var target: String
    /// The error kind (`timeout`, `server`, `authentication`, ...).
    public var kind: String
    /// The answer's status, if one came.
    public var httpStatus: Int?
    /// The source's error code, if it sent one.
    public var remoteCode: String?
    /// What went wrong, without secrets.
    public var message: String
    /// The source's id of the request, for its support.
    public var requestID: String?
    /// Whether trying again could succeed.
    public var retryable: Bool
    /// Attempts made before giving up.
    public var attempts: Int

    /// A failed fetch with every field given.
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
