/// Sends one HTTP request and returns the raw answer: the seam between connectors and the network, so that the
/// sync can also record or replay responses and tests can see every request.
public protocol HTTPTransport: Sendable {
    /// Sends a request once, with no retry.
    ///
    /// - Parameters:
    ///   - request: What to send.
    ///   - timeout: The deadline for the whole exchange.
    ///   - maximumBodyBytes: The largest body accepted; a larger one fails with ``TransportFailure/bodyTooLarge(limit:)``.
    /// - Returns: The status, lowercase header names with values, and the body bytes.
    /// - Throws: ``TransportFailure``.
    func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
}

/// Why an exchange produced no complete response.
public enum TransportFailure: Error, Sendable, Equatable {
    /// The connection or the whole exchange ran out of time.
    case timeout
    /// The connection failed, was refused, or was dropped, possibly mid-body.
    case connection(String)
    /// The body was larger than the limit.
    case bodyTooLarge(limit: Int)
    /// The request itself is unusable (a malformed URL).
    case invalidRequest(String)
    /// The request was cancelled.
    case cancelled

    /// Whether trying again could succeed.
    public var isRetryable: Bool {
        switch self {
        case .timeout, .connection: true
        case .bodyTooLarge, .invalidRequest, .cancelled: false
        }
    }
}
