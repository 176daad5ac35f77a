import LedgerCore

/// How DMS requests carry their token: the API does not document it, so both ways are configurable.
public enum DMSAuthentication: Sendable {
    /// A header such as `Authorization: Bearer …` or `X-Token: …`.
    case header(name: String, value: Secret)
    /// A query parameter such as `token=…` (removed from every URL that is logged or stored).
    case query(name: String, value: Secret)
    /// No credential.
    case none
}

/// Reads one DMS customer's credit position: `GET {base}/dms/purchase/app-credit?org_id=&org_type=&app_mark=1`.
public struct DMSCreditConnector: Sendable {
    /// The source instance's name, for errors and logs.
    public let name: String
    /// Where the API answers.
    public let baseURL: BaseURL
    /// The unit of every figure.
    public let currency: MoneyUnit
    /// How requests authenticate.
    public let authentication: DMSAuthentication
    /// The source's HTTP client, with its limits.
    public let http: SourceHTTPClient

    /// A connector reading credits in `currency`.
    public init(
        name: String, baseURL: BaseURL, currency: MoneyUnit, authentication: DMSAuthentication,
        http: SourceHTTPClient
    ) {
        self.name = name
        self.baseURL = baseURL
        self.currency = currency
        self.authentication = authentication
        self.http = http
    }

    /// One customer's credit.
    /// - Throws: ``SourceError`` for a failed fetch or an error answer (errCode ≠ 1000).
    public func credit(orgID: Int64, orgType: Int64 = 2) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        let path = "/dms/purchase/app-credit"
        let query: [(name: String, value: String)] = [
            ("org_id", String(orgID)), ("org_type", String(orgType)), ("app_mark", "1"),
        ]
        var headers: [(name: String, value: String)] = [
            ("accept", "application/json"), ("user-agent", LedgerDefaults.userAgent),
        ]
        var fullQuery = query
        switch authentication {
        case .header(let name, let value): headers.append((name, value.reveal()))
        case .query(let name, let value): fullQuery.append((name, value.reveal()))
        case .none: break
        }
        let request = SourceRequest(
            url: baseURL.url(path: path, query: fullQuery), headers: headers,
            redactedURL: baseURL.url(path: path, query: query))
        let response = try await http.send(request, target: "org \(orgID) (type \(orgType))")
        return try DMSCreditDecoder.credit(
            response, orgID: orgID, orgType: orgType, currency: currency, source: name
        ).outcome(response)
    }
}
