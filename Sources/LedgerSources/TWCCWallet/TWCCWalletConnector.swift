import Foundation
import LedgerCore

/// How TWCC requests authenticate.
public enum TWCCAuthentication: Sendable {
    /// UPAG: a token from `account`/`password` headers at `tokenPath`, sent as `Authorization: Bearer`.
    case token(account: String, password: Secret, tokenPath: String = "/api/token")
    /// The API gateway: `x-api-key` and `x-api-host` headers.
    case apiKey(key: Secret, host: String)
}

/// Reads TWCC project wallets, one at a time, and lists a project's wallets.
public struct TWCCWalletConnector: Sendable {
    /// The source instance's name, for errors and logs.
    public let name: String
    /// Where the API answers.
    public let baseURL: BaseURL
    /// How requests authenticate.
    public let authentication: TWCCAuthentication
    /// The source's HTTP client, with its limits.
    public let http: SourceHTTPClient
    let tokens: TokenCache
    let clock: any LedgerClock
    /// The single-wallet path; `{project}` and `{wallet}` are replaced.
    public var walletPath = "/api/projects/{project}/wallets/{wallet}"
    /// The wallet-list path; `{project}` is replaced.
    public var walletListPath = "/api/projects/{project}/wallets"
    /// The projects whose wallets ``discovery()`` lists (the configuration's `projects` when it discovers).
    public var discoveryProjects: [String] = []

    /// A connector; `clock` decides when a token has expired.
    public init(
        name: String, baseURL: BaseURL, authentication: TWCCAuthentication, http: SourceHTTPClient,
        clock: any LedgerClock = SystemClock()
    ) {
        self.name = name
        self.baseURL = baseURL
        self.authentication = authentication
        self.http = http
        self.clock = clock
        self.tokens = TokenCache()
    }

    /// One wallet.
    /// - Throws: ``SourceError`` for a failed fetch or an error answer.
    public func wallet(
        projectCode: String, walletCode: String
    ) async throws(SourceError)
        -> FetchOutcome<BalanceObservation>
    {
        let path = walletPath.replacingOccurrences(of: "{project}", with: projectCode)
            .replacingOccurrences(of: "{wallet}", with: walletCode)
        let response = try await get(path: path, target: "wallet \(projectCode)/\(walletCode)")
        return try TWCCWalletDecoder.wallet(
            response, projectCode: projectCode, walletCode: walletCode, source: name
        ).outcome(response)
    }

    /// A project's wallets.
    public func discoverWallets(projectCode: String) async -> Discovery<TWCCWalletDecoder.ListedWallet> {
        var discovery = Discovery<TWCCWalletDecoder.ListedWallet>(
            items: [], complete: false, failure: nil, pages: 0, quarantined: [])
        let path = walletListPath.replacingOccurrences(of: "{project}", with: projectCode)
        do {
            let response = try await get(path: path, target: "wallet list of project \(projectCode)")
            discovery.pages += 1
            switch TWCCWalletDecoder.walletList(response, projectCode: projectCode, source: name) {
            case .value(let wallets):
                discovery.items = wallets
                discovery.complete = true
            case .quarantine(let problem):
                discovery.quarantined.append((problem, response))
                discovery.failure = SourceError(
                    kind: .paging, source: name, target: "wallet list of project \(projectCode)",
                    message: "the wallet list did not decode: \(problem)", retryable: false)
            case .failure(let error):
                discovery.failure = error
            }
        } catch {
            discovery.failure = error
        }
        return discovery
    }

    /// Sends a GET with credentials; in token mode an answer of 401/89 gets one token refresh and one retry.
    func get(path: String, target: String) async throws(SourceError) -> SourceResponse {
        let response = try await send(path: path, target: target, refresh: false)
        guard case .token = authentication, response.status == 401 else { return response }
        // 89: "Invalid or expired token. Try to get a new one." — refresh once, never more.
        let error = TWCCWalletDecoder.failure(response, source: name, target: target)
        guard error.remoteCode == "89" || error.remoteCode == nil else { return response }
        return try await send(path: path, target: target, refresh: true)
    }

    private func send(path: String, target: String, refresh: Bool) async throws(SourceError) -> SourceResponse {
        var headers: [(name: String, value: String)] = [
            ("accept", "application/json"), ("user-agent", LedgerDefaults.userAgent),
        ]
        switch authentication {
        case .token(let account, let password, let tokenPath):
            let token = try await tokens.token(now: clock.now(), forceRefresh: refresh) {
                () async throws(SourceError) in
                try await fetchToken(account: account, password: password, tokenPath: tokenPath)
            }
            headers.append(("authorization", "Bearer \(token.reveal())"))
        case .apiKey(let key, let host):
            headers.append(("x-api-key", key.reveal()))
            headers.append(("x-api-host", host))
        }
        let url = baseURL.url(path: path)
        return try await http.send(SourceRequest(url: url, headers: headers, redactedURL: url), target: target)
    }

    /// Gets a token: `GET {base}{tokenPath}` with `account` and `password` headers, answering `{"token": JWT}`.
    private func fetchToken(
        account: String, password: Secret, tokenPath: String
    ) async throws(SourceError)
        -> (token: Secret, expires: Instant?)
    {
        let url = baseURL.url(path: tokenPath)
        let request = SourceRequest(
            url: url,
            headers: [("accept", "application/json"), ("account", account), ("password", password.reveal())],
            redactedURL: url, isCredentialExchange: true)
        let response = try await http.send(request, target: "token")
        guard (200..<300).contains(response.status) else {
            var error = TWCCWalletDecoder.failure(response, source: name, target: "token")
            if response.status == 401 || response.status == 403 { error.kind = .authentication }
            throw error
        }
        guard case .object(let object)? = try? JSONValue.parse(response.body),
            case .string(let token)? = object["token"],
            !token.isEmpty
        else {
            throw SourceError(
                kind: .authentication, source: name, target: "token", httpStatus: response.status,
                message: "the token answer has no \"token\" string", retryable: false)
        }
        return (Secret(token), JWT.expiry(of: token))
    }
}

/// The current TWCC token, shared by concurrent requests so that one refresh serves them all.
actor TokenCache {
    private var current: (token: Secret, expires: Instant?)?
    private var refreshing: Task<(token: Secret, expires: Instant?), any Error>?

    /// A valid token: the cached one unless it expires within 30 s or a refresh is forced.
    func token(
        now: Instant, forceRefresh: Bool,
        fetch: @escaping @Sendable () async throws(SourceError) -> (token: Secret, expires: Instant?)
    ) async throws(SourceError) -> Secret {
        if !forceRefresh, let current, current.expires.map({ $0 > now.adding(seconds: 30) }) ?? true {
            return current.token
        }
        let task: Task<(token: Secret, expires: Instant?), any Error>
        if let refreshing {
            task = refreshing
        } else {
            task = Task { try await fetch() }
            refreshing = task
        }
        defer { refreshing = nil }
        do {
            let fresh = try await task.value
            current = fresh
            return fresh.token
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(kind: .authentication, source: "", target: "token", message: "\(error)", retryable: false)
        }
    }
}

/// Reads the `exp` claim of a JWT without verifying it (the server does that); only to refresh in time.
enum JWT {
    static func expiry(of token: String) -> Instant? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), case .object(let claims)? = try? JSONValue.parse(Array(data)),
            case .number(let exp)? = claims["exp"], let seconds = Int64(exp)
        else { return nil }
        return Instant(secondsSinceEpoch: seconds)
    }
}
