import AsyncHTTPClient
import Foundation
import LedgerCore
import LedgerReports
import LedgerServer
import LedgerStore
import LedgerTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The dashboard over a live `serve` (what the browser checks of `.ci/run` do in Chromium, these do over HTTP with
/// the exact bytes): pages, their security headers, the sign-in, and figures equal to the CLI's.
@Suite("Dashboard")
struct DashboardTests {
    typealias Answer = (status: Int, body: String, headers: [(String, String)])

    /// A client that does not follow redirects, so that a test sees the 303 and its cookie.
    static func withClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do { try await body(client) } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func fetch(
        _ client: HTTPClient, _ harness: ServeHarness, _ path: String, method: HTTPMethod = .GET,
        headers: [(String, String)] = [], form: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(harness.port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (
            Int(response.status.code), String(buffer: body), response.headers.map { ($0.name.lowercased(), $0.value) }
        )
    }

    static func header(_ answer: Answer, _ name: String) -> String? {
        answer.headers.first { $0.0 == name }?.1
    }

    static let tokenServe = "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"\ntoken_env = \"SERVE_TOKEN\""

    @Test("Every page is HTML under a nonce-only CSP; hostile names are text; no secret on any page")
    func pagesAreSafe() async throws {
        let hostile = "<img src=x onerror=alert(1)>=cmd|' /C calc'!A0"
        try await ServeHarness.with(serve: Self.tokenServe) { harness in
            // The name reaches the ledger as a source would send it: the simulator's control endpoint renames
            // the client before the first sync.
            var rename = HTTPClientRequest(url: harness.simulator.baseURL + "/_sim/names")
            rename.method = .POST
            var body = ""
            JSONValue.writeString(hostile, to: &body)
            rename.body = .bytes(ByteBuffer(string: "{\"1001\":\(body)}"))
            #expect(try await harness.simulator.client.execute(rename, timeout: .seconds(5)).status == .ok)
            rename.body = .bytes(ByteBuffer(string: "{\"not-an-id\":\"x\"}"))
            #expect(try await harness.simulator.client.execute(rename, timeout: .seconds(5)).status == .badRequest)
            // The startup sync may have listed the client before the rename: the next one surely has the name.
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            #expect(try await harness.eventually { await harness.server.scheduler.requestRun() == .started })
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2
                })
            try await Self.withClient { client in
                let login = try await Self.fetch(
                    client, harness, "/login", method: .POST, form: "token=serve-token-3f9c2a&next=%2Fruns")
                #expect(login.status == 303)
                #expect(Self.header(login, "location") == "/runs")
                let cookie = try #require(Self.header(login, "set-cookie"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                #expect(!cookie.contains("serve-token-3f9c2a"), "the token itself is never the cookie")
                let session = String(cookie.prefix { $0 != ";" })
                let version = try harness.count(
                    "SELECT v.id FROM balance_version v JOIN account a ON a.id = v.account_id WHERE a.account_key = '1001' LIMIT 1"
                )
                for path in [
                    "/", "/?q=1001", "/?sort=-balance&page=1", "/account?source=mr&key=1001",
                    "/account/raw?version=\(version)",
                    "/reconciliation?from=2025-12-01&to=2026-02-01", "/runs", "/?sort=sideways",
                ] {
                    let page = try await Self.fetch(client, harness, path, headers: [("Cookie", session)])
                    #expect(page.status == (path.contains("sideways") ? 400 : 200), "\(path): \(page.status)")
                    #expect(Self.header(page, "content-type") == "text/html; charset=utf-8")
                    let policy = try #require(Self.header(page, "content-security-policy"), "\(path)")
                    // One nonce per answer, carried by the page's style (and script): nothing else may run.
                    let nonce = try #require(
                        policy.split(separator: "'").first { $0.hasPrefix("nonce-") }.map { $0.dropFirst(6) })
                    #expect(policy.contains("script-src 'nonce-\(nonce)'") && policy.contains("default-src 'none'"))
                    #expect(policy.contains("frame-ancestors 'none'"))
                    #expect(page.body.contains("<style nonce=\"\(nonce)\">"), "\(path)")
                    let scripts = page.body.components(separatedBy: "<script").dropFirst()
                    #expect(
                        scripts.allSatisfy { $0.hasPrefix(" nonce=\"\(nonce)\">") }, "\(path): a script without nonce")
                    #expect(!page.body.contains("<img src=x"), "\(path): the hostile name was not escaped")
                    for secret in ServeHarness.secrets {
                        #expect(!page.body.contains(secret), "\(path): \(secret)")
                    }
                }
                let overview = try await Self.fetch(client, harness, "/?q=1001", headers: [("Cookie", session)])
                #expect(overview.body.contains("&lt;img src=x onerror=alert(1)&gt;=cmd|&#39; /C calc&#39;!A0"))
                #expect(overview.body.contains("data-account=\"mr/1001\""))
                #expect(overview.body.contains("Accounts (1)"), "the search finds the one account")
                // A form sends a space as `+`: the search reads it as a space, as the browser meant.
                let spaced = try await Self.fetch(client, harness, "/?q=%3Cimg+src%3Dx", headers: [("Cookie", session)])
                #expect(spaced.body.contains("Accounts (1)") && spaced.body.contains("data-account=\"mr/1001\""))
                #expect(overview.body.contains("id=\"sync-now\""), "a signed-in user of a server with a token may sync")
            }
        }
    }

    @Test("Without a session a page sends the browser to sign in; a wrong token is refused; another site may not sync")
    func signIn() async throws {
        try await ServeHarness.with(serve: Self.tokenServe) { harness in
            try await Self.withClient { client in
                let page = try await Self.fetch(client, harness, "/account?source=mr&key=1001")
                #expect(page.status == 303)
                #expect(Self.header(page, "location") == "/login?next=/account?source%3Dmr%26key%3D1001")
                let api = try await Self.fetch(client, harness, "/api/v1/balances")
                #expect(api.status == 401, "the API answers JSON, never a sign-in page")
                let wrong = try await Self.fetch(
                    client, harness, "/login", method: .POST, form: "token=guess&next=%2F")
                #expect(wrong.status == 401)
                #expect(Self.header(wrong, "set-cookie") == nil)
                #expect(wrong.body.contains("That token is not this server"))
                // A sign-in never sends the browser to another site.
                let offsite = try await Self.fetch(
                    client, harness, "/login", method: .POST, form: "token=serve-token-3f9c2a&next=%2F%2Fevil.example")
                #expect(Self.header(offsite, "location") == "/")
                let session = String(try #require(Self.header(offsite, "set-cookie")).prefix { $0 != ";" })
                let forged = try await Self.fetch(
                    client, harness, "/sync", method: .POST,
                    headers: [("Cookie", session), ("Origin", "http://evil.example")])
                #expect(forged.status == 403)
                let own = try await Self.fetch(
                    client, harness, "/sync", method: .POST,
                    headers: [("Cookie", session), ("Origin", "http://127.0.0.1:\(harness.port)")])
                #expect(own.status == 303)
                #expect(["/?sync=started", "/?sync=running"].contains(Self.header(own, "location") ?? ""))
                let stale = try await Self.fetch(
                    client, harness, "/", headers: [("Cookie", "ledgersync_session=0123456789abcdef")])
                #expect(stale.status == 303, "a cookie of another token is no session")
            }
        }
    }

    @Test("The as-of figures are those query balances --as-of gives; the downloads are export's files")
    func figuresMatchTheCLI() async throws {
        try await ServeHarness.with { harness in
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            // A second round, so that each account has two versions and an earlier instant has other figures.
            harness.simulator.simulator.world.advance(seconds: 3_600)
            // The first run may still be closing when its row says complete: ask until a new one starts.
            #expect(try await harness.eventually { await harness.server.scheduler.requestRun() == .started })
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2
                })
            let reader = try LedgerReader.open(path: harness.databasePath)
            defer { try? reader.close() }
            let history = try reader.history(
                filter: QueryFilter(sources: ["mr"], accounts: ["1001"]), page: PageRequest(limit: 10)
            ).rows
            #expect(history.count == 2)
            try await Self.withClient { client in
                for (instant, axis) in [
                    (history[0].validFrom, TimeAxis.valid), (history[1].validFrom, .valid),
                    (history[0].recordedAt, .recorded),
                ] {
                    var options = QueryOptions()
                    options.format = .json
                    options.filter = QueryFilter(sources: ["mr"], accounts: ["1001"])
                    options.asOf = .at(instant, on: axis)
                    let cli = try await QueryRunner.run(.balances, reader: reader, options: options).text
                    guard case .array(let rows) = try JSONValue.parse(cli), case .object(let row)? = rows.first,
                        case .object(let amount)? = row["available_balance"],
                        case .string(let text)? = amount["amount"],
                        case .string(let unit)? = amount["unit"]
                    else {
                        Issue.record("no balance from the CLI: \(cli)")
                        continue
                    }
                    let page = try await Self.fetch(
                        client, harness,
                        "/account?source=mr&key=1001&axis=\(axis.rawValue)&as_of=\(instant.iso8601)")
                    #expect(page.status == 200)
                    #expect(
                        page.body.contains("<dd data-field=\"available_balance\">\(text) \(unit)</dd>"),
                        "\(axis) \(instant.iso8601): expected \(text) \(unit)")
                }
                let period = "from=2025-12-01&to=2026-12-31"
                let report = try await Reconciler.report(
                    reader: reader,
                    parameters: try {
                        var request = ReportRequest()
                        request.filter.from = try DisplayZone.utc.parse("2025-12-01", argument: "from")
                        request.filter.to = try DisplayZone.utc.parse("2026-12-31", argument: "to")
                        return try request.prepare(now: Instant(year: 2026, month: 12, day: 1)).0
                    }())
                for file in try ReportExporter.contents(report) where file.name != "report.html" {
                    let download = try await Self.fetch(client, harness, "/reconciliation/files/\(file.name)?\(period)")
                    #expect(download.status == 200)
                    #expect(download.body == file.text, "\(file.name) differs from export's")
                }
            }
        }
    }
}
