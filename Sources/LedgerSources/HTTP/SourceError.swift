/// A failed fetch from a source, with everything needed to act on it: which source and target, what the server
/// answered, and whether trying again could help. It never carries a credential.
public struct SourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The family of failure.
    public enum Kind: String, Sendable, Hashable {
        /// No usable connection, or it was dropped.
        case connection
        /// The exchange ran out of time.
        case timeout
        /// The body was larger than the configured cap.
        case tooLarge = "too_large"
        /// The server throttled the request (429, Throttling).
        case rateLimited = "rate_limited"
        /// The server failed (5xx).
        case server
        /// The credentials were refused or expired.
        case authentication
        /// Authenticated, but not allowed to see the target.
        case permissionDenied = "permission_denied"
        /// The target does not exist.
        case notFound = "not_found"
        /// The server refused the request as malformed (other 4xx).
        case badRequest = "bad_request"
        /// The server answered 2xx with an application error (`success: false`, errCode ≠ 1000).
        case remote
        /// Paging did not reach a trustworthy end (repeated token, endless empty pages).
        case paging
        /// The configuration cannot produce a request (a bad URL).
        case configuration
        /// The fetch was cancelled.
        case cancelled
    }

    /// What went wrong, as a category the sync and the reports act on.
    public var kind: Kind
    /// The source instance's configured name.
    public var source: String
    /// What was asked for: `client 17`, `org 101 (type 2)`, `wallet MST123456/W0001`, `client list`.
    public var target: String
    /// The answer's HTTP status, if one came.
    public var httpStatus: Int?
    /// The source's own error code: ModelRouter errCode, DMS errCode, TWCC errors[].code.
    public var remoteCode: String?
    /// The source's message, or what went wrong.
    public var message: String
    /// The source's id of the request, for its support.
    public var requestID: String?
    /// Whether a later attempt could succeed.
    public var retryable: Bool
    /// How many attempts were made.
    public var attempts: Int

    /// An error of `kind` fetching `target` from `source`.
    public init(
        kind: Kind, source: String, target: String, httpStatus: Int? = nil, remoteCode: String? = nil,
        message: String, requestID: String? = nil, retryable: Bool, attempts: Int = 1
    ) {
        self.kind = kind
        self.source = source
        self.target = target
        self.httpStatus = httpStatus
        self.remoteCode = remoteCode
        self.message = message
        self.requestID = requestID
        self.retryable = retryable
        self.attempts = attempts
    }

    /// A sentence a user can act on: where, what the server said, and what to do.
    public var description: String {
        var text = "source '\(source)', \(target): "
        var said: [String] = []
        if let httpStatus { said.append("HTTP \(httpStatus)") }
        if let remoteCode { said.append(remoteCode) }
        text += said.isEmpty ? message : "\(said.joined(separator: " ")): \(message)"
        if let requestID { text += " (request id \(requestID))" }
        text += attempts > 1 ? " after \(attempts) attempts. " : ". "
        text += advice
        return text
    }

    private var advice: String {
        switch kind {
        case .connection: "Check that the base_url is right and the host is reachable; the next sync retries."
        case .timeout: "The source was too slow; raise the timeout or lower concurrency; the next sync retries."
        case .tooLarge: "The response exceeded the size cap; raise max_response_bytes if it is expected."
        case .rateLimited: "The source throttled us; lower requests_per_second or concurrency for this source."
        case .server: "The source failed on its side; the next sync retries."
        case .authentication: "Check the credentials named in the config's *_env keys (they may be wrong or expired)."
        case .permissionDenied: "The credentials work but may not read this account; check its permissions."
        case .notFound: "The account does not exist at the source or is not visible; check the configured id."
        case .badRequest: "The source refused the request; check the account key and base_url in the config."
        case .remote: "The source reported an application error; see its code and message."
        case .paging: "Discovery stopped early, so no account is marked gone; the next sync tries again."
        case .configuration: "Fix the source's configuration."
        case .cancelled: "The sync was interrupted."
        }
    }
}
