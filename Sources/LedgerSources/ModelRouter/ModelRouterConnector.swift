import LedgerCore
import Logging

/// Reads ModelRouter balances, the client list and balance logs, signing every request with ACS3-HMAC-SHA256.
public struct ModelRouterConnector: Sendable {
    /// The API version every request names (`x-acs-version`).
    public static let apiVersion = "20240611"
    /// Where Alibaba Cloud names each request: the id its support asks for.
    public static let requestIDHeader = "x-acs-request-id"
    static let root = "/api/v1/modelRouter/open"

    /// The source instance's name, for errors and logs.
    public let name: String
    /// Where the API answers.
    public let baseURL: BaseURL
    /// The unit of `balanceType: amount` balances.
    public let currency: MoneyUnit
    /// The source's HTTP client, with its limits.
    public let http: SourceHTTPClient
    let signer: ACS3Signer
    let clock: any LedgerClock
    let nonce: @Sendable () -> String
    /// Page size for lists (the API allows at most 100).
    public var pageSize = 100
    /// The most pages one listing may take before it is called incomplete.
    public var maximumPages = 100_000
    /// Empty pages in a row, with the list not finished, before paging is called endless.
    public var maximumEmptyPages = 3
    /// Whether ``discovery()`` lists the clients (the configuration's `discover`).
    public var discoversClients = false

    /// - Parameters:
    ///   - name: The source instance's name.
    ///   - baseURL: `https://aicontent.aliyuncs.com` or the simulator.
    ///   - currency: The unit of amount balances (e.g. CNY).
    ///   - accessKeyID: The AccessKey id.
    ///   - accessKeySecret: The AccessKey secret.
    ///   - http: The source's HTTP client with its limits.
    ///   - clock: Stamps `x-acs-date`.
    ///   - nonce: A unique value per request for `x-acs-signature-nonce`.
    public init(
        name: String, baseURL: BaseURL, currency: MoneyUnit, accessKeyID: String, accessKeySecret: Secret,
        http: SourceHTTPClient, clock: any LedgerClock = SystemClock(),
        nonce: @escaping @Sendable () -> String = { randomHex(16) }
    ) {
        self.name = name
        self.baseURL = baseURL
        self.currency = currency
        self.signer = ACS3Signer(accessKeyID: accessKeyID, accessKeySecret: accessKeySecret)
        self.http = http
        self.clock = clock
        self.nonce = nonce
    }

    /// One client's balance.
    /// - Throws: ``SourceError`` for a failed fetch or an error answer.
    public func balance(clientID: Int64) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        let response = try await send(
            path: "\(Self.root)/clients/\(clientID)/balance", query: [], action: "ModelRouterGetClientBalance",
            target: "client \(clientID)")
        return try ModelRouterDecoder.balance(response, clientID: clientID, currency: currency, source: name)
            .outcome(response)
    }

    /// Every client, paging until a trustworthy end; guarded against a repeated nextToken, endless empty pages
    /// and a total that is never reached.
    ///
    /// Holds the whole list; a sync reads ``clientPages()`` instead, a page at a time.
    public func discoverClients() async -> Discovery<ModelRouterClient> {
        let pages = clientPages()
        var items: [ModelRouterClient] = []
        while let page = await pages.nextClients() { items += page }
        var discovery = await pages.discovery
        discovery.items = items
        return discovery
    }

    /// The client list, one page fetched each time the caller asks for more, with the guards of
    /// ``discoverClients()``: memory holds a page and the ids of the last few, not the list.
    public func clientPages() -> ModelRouterClientPages { ModelRouterClientPages(connector: self) }

    /// A client's balance-log entries newer than a cursor, oldest first, paging through the whole log.
    ///
    /// - Parameters:
    ///   - clientID: The client.
    ///   - after: The newest entry already stored, by time then id; `nil` for all.
    /// - Returns: The new entries and every page received.
    /// - Throws: ``SourceError`` if any page fails: the caller stores nothing and tries again next run, so an
    ///   entry is never skipped at a page boundary.
    public func balanceLogs(
        clientID: Int64, after cursor: (gmtCreate: Instant, remoteID: Int64)?
    )
        async throws(SourceError) -> (entries: [BalanceLogEntry], responses: [SourceResponse])
    {
        let target = "balance log of client \(clientID)"
        var entries: [Int64: BalanceLogEntry] = [:]
        var responses: [SourceResponse] = []
        var token: String?
        var seenTokens = Set<String>()
        var emptyRun = 0
        var listed = 0
        for page in 1...maximumPages {
            var query: [(name: String, value: String)] = [
                ("page", String(page)), ("size", String(pageSize)), ("maxResults", String(pageSize)),
            ]
            if let token { query.append(("nextToken", token)) }
            let response = try await send(
                path: "\(Self.root)/clients/\(clientID)/balance/logs", query: query,
                action: "ModelRouterGetClientBalanceLogs", target: target)
            responses.append(response)
            let pageData: ModelRouterDecoder.LogPage
            switch ModelRouterDecoder.logPage(response, clientID: clientID, source: name) {
            case .failure(let error): throw error
            case .quarantine(let problem):
                throw SourceError(
                    kind: .remote, source: name, target: target, httpStatus: response.status,
                    message: "page \(page) did not decode: \(problem)", retryable: false)
            case .value(let value): pageData = value
            }
            listed += pageData.entries.count
            for entry in pageData.entries {
                if let cursor, (entry.gmtCreate, entry.remoteID) <= (cursor.gmtCreate, cursor.remoteID) { continue }
                entries[entry.remoteID] = entry
            }
            emptyRun = pageData.entries.isEmpty ? emptyRun + 1 : 0
            func paging(_ message: String) -> SourceError {
                SourceError(kind: .paging, source: name, target: target, message: message, retryable: true)
            }
            if let total = pageData.total, listed >= total { break }
            if let next = pageData.nextToken {
                guard seenTokens.insert(next).inserted else {
                    throw paging("the server repeated nextToken \"\(next.prefix(40))\" on page \(page)")
                }
                token = next
            } else if pageData.entries.count < pageSize {
                if let total = pageData.total, listed < total {
                    throw paging("the log ended after \(listed) entries but the server reported \(total)")
                }
                break
            }
            if emptyRun >= maximumEmptyPages { throw paging("\(emptyRun) empty pages in a row") }
            if page == maximumPages { throw paging("the log did not end within \(maximumPages) pages") }
        }
        let sorted = entries.values.sorted { ($0.gmtCreate, $0.remoteID) < ($1.gmtCreate, $1.remoteID) }
        return (sorted, responses)
    }

    /// Signs and sends one GET.
    func send(
        path: String, query: [(name: String, value: String)], action: String, target: String
    )
        async throws(SourceError) -> SourceResponse
    {
        let url = baseURL.url(path: path, query: query)
        return try await http.send(
            target: target,
            shouldRetry: { response in
                if response.status == 429 || response.status >= 500 { return true }
                // The gateway throttles with a Throttling* code, whatever the status.
                return response.status >= 400
                    && String(decoding: response.body.prefix(512), as: UTF8.self)
                        .contains("\"Throttling")
            }
        ) {
            // Signed per attempt: a retry with the same nonce would be refused as a replay.
            var headers: [(name: String, value: String)] = [
                ("accept", "application/json"),
                ("host", baseURL.authority),
                ("user-agent", LedgerDefaults.userAgent),
                ("x-acs-action", action),
                ("x-acs-content-sha256", ACS3Signer.emptyPayloadHash),
                ("x-acs-date", Self.acsDate(clock.now())),
                ("x-acs-signature-nonce", nonce()),
                ("x-acs-version", Self.apiVersion),
            ]
            let authorization = signer.authorization(
                method: "GET", path: baseURL.path(path), query: query, headers: headers)
            headers.append(("authorization", authorization))
            return SourceRequest(
                url: url, headers: headers, redactedURL: url, action: action, requestIDHeader: Self.requestIDHeader)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as `x-acs-date` wants it (no milliseconds).
    static func acsDate(_ instant: Instant) -> String {
        Instant(
            millisecondsSinceEpoch: instant.millisecondsSinceEpoch - ((instant.millisecondsSinceEpoch % 1000) + 1000)
                % 1000
        ).iso8601
    }
}

/// `count` random bytes as lowercase hex.
///
/// The bytes are taken eight at a time: each draw from the system generator is a `getrandom` call, and one per
/// byte made the signature nonce alone 16 system calls per ModelRouter request.
public func randomHex(_ count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 7)
    while bytes.count < count {
        withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
    }
    return ACS3Signer.hex(Array(bytes.prefix(count)))
}
