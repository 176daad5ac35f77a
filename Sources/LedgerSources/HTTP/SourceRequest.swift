import LedgerCore

/// One HTTP request to a source, with the identity that may be logged and stored.
public struct SourceRequest: Sendable {
    /// The HTTP method.
    public var method: String
    /// The full URL, which may carry a credential in its query (DMS token mode): never log or store it.
    public var url: String
    /// Headers to send, credentials included: never log or store them.
    public var headers: [(name: String, value: String)]
    /// The request's identity with every credential removed: what logs, errors and the store show.
    public var redactedURL: String
    /// The API action, where the source names one (ModelRouter `x-acs-action`).
    public var action: String?
    /// A request that trades credentials for a token: its answer is a secret, never captured or stored.
    public var isCredentialExchange: Bool
    /// The response header in which the source names its request id (ModelRouter's `x-acs-request-id`), if it
    /// has one: the connector knows it, the response carries the id as ``SourceResponse/requestID``, and a
    /// capture keeps that header.
    public var requestIDHeader: String?

    /// A request; `redactedURL` must hold no credential.
    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], redactedURL: String,
        action: String? = nil, isCredentialExchange: Bool = false, requestIDHeader: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.redactedURL = redactedURL
        self.action = action
        self.isCredentialExchange = isCredentialExchange
        self.requestIDHeader = requestIDHeader?.lowercased()
    }
}

/// A response as received, before the connector decodes it.
public struct SourceResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Response headers, names in lowercase.
    public let headers: [(name: String, value: String)]
    /// The exact bytes of the body.
    public var body: [UInt8]
    /// When the last byte arrived, on this machine's clock.
    public var receivedAt: Instant
    /// The redacted identity of the request that produced it.
    public var method: String
    /// The request's URL with every credential removed.
    public var redactedURL: String
    /// The API action, where the source names one.
    public var action: String?
    /// How many attempts it took.
    public var attempts: Int
    /// The source's id for this request, from the header its connector named.
    public var requestID: String?

    /// A response; the request id is read from `requestIDHeader` when the connector names one.
    public init(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], receivedAt: Instant, method: String,
        redactedURL: String, action: String?, attempts: Int = 1, requestIDHeader: String? = nil
    ) {
        self.status = status
        // Lowercased once here, so a lookup compares names as they are.
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.date = self.headers.first { $0.name == "date" }.flatMap { HTTPDate.parse($0.value) }
        self.body = body
        self.receivedAt = receivedAt
        self.method = method
        self.redactedURL = redactedURL
        self.action = action
        self.attempts = attempts
        self.requestID = requestIDHeader.flatMap { name in self.headers.first { $0.name == name.lowercased() }?.value }
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// The response's Date header, when it is a valid HTTP date (parsed once: the decoder and the store both ask).
    public let date: Instant?

    /// The observation time of the payload: the Date header when present, else the time it was received.
    public var observedAt: Instant { date ?? receivedAt }
}
