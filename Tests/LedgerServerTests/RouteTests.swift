import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerReports
import LedgerServer
import LedgerStore
import LedgerSync
import LedgerTestSupport
import Logging
import NIOCore
import Testing

@Suite("serve: routes in process")
struct RouteTests {
    @Test("Every list answers the rows query --format json prints for the same parameters; pages and a report")
    func listsMatchQuery() async throws {
        let harness = try await RouteHarness()
        let reader = try LedgerReader.open(path: harness.directory.file("ledger.sqlite"))
        defer { try? reader.close() }
        let cases: [(QueryKind, String)] = [
            (.balances, "source=modelrouter&limit=3"), (.history, "account=17"), (.changes, "kind=dms_credit"),
            (.conflicts, ""), (.runs, "limit=5"), (.errors, ""), (.movements, "source=modelrouter&limit=50"),
            (.totals, "unit=CNY"), (.balances, "tz=%2B08:00&as_of=2026-11-19"),
        ]
        try await harness.test { client in
            for (kind, query) in cases {
                let pairs = query.split(separator: "&").map { item in
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    return (name: parts[0], value: parts[1].removingPercentEncoding ?? parts[1])
                }
                let expected = try await QueryRunner.run(
                    kind, reader: reader, options: QueryParameters.options(for: kind, pairs))
                let next = expected.nextCursor.map { JSONValue.string($0).jsonText } ?? "null"
                try await client.execute(uri: "/api/v1/\(kind.rawValue)?\(query)", method: .get) { response in
                    #expect(response.status == .ok, "\(kind)")
                    #expect(
                        String(buffer: response.body) == "{\"rows\":\(expected.text),\"next_after\":\(next)}",
                        "\(kind)?\(query)")
                }
            }
            // Keyset paging: the next page starts after the cursor the first one gave.
            let first = try await client.execute(uri: "/api/v1/balances?limit=2", method: .get) {
                String(buffer: $0.body)
            }
            let cursor = try #require(first.firstMatch(of: /"next_after":"([^"]+)"/)?.1)
            try await client.execute(uri: "/api/v1/balances?limit=2&after=\(cursor)", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) != first)
            }
            // The reconciliation summary and exceptions of a period.
            try await client.execute(uri: "/api/v1/reconciliation?from=2026-11-19&to=2026-11-20", method: .get) {
                let body = String(buffer: $0.body)
                #expect($0.status == .ok)
                #expect(body.contains("\"schema\":\"ledgersync.reconciliation/2\"") && body.contains("\"exceptions\":"))
            }
        }
    }

    @Test("The status names the chain head, which the export of the same ledger writes in its manifest too")
    func statusChainHead() async throws {
        let harness = try await RouteHarness()
        let reader = try LedgerReader.open(path: harness.directory.file("ledger.sqlite"))
        let head = try reader.chainHead()
        try reader.close()
        #expect(head.position > 0)
        try await harness.test { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body).contains(
                        "\"chain_head\":{\"position\":\(head.position),\"hash\":\"\(head.hash)\"}"))
            }
        }
    }

    @Test("Another method on a known path is a 405 whose Allow lists what the controllers registered")
    func methodNotAllowed() async throws {
        let harness = try await RouteHarness()
        try await harness.test { client in
            for (path, allowed) in [
                ("/api/v1/balances", "GET"), ("/login", "GET, POST"), ("/api/v1/sync", "POST"),
                ("/reconciliation/files/statements.csv", "GET"),
            ] {
                try await client.execute(uri: path, method: .put) { response in
                    #expect(response.status == .methodNotAllowed, "\(path)")
                    #expect(response.headers[.allow] == allowed, "\(path)")
                    #expect(String(buffer: response.body).contains("\"status\":405"))
                }
            }
            try await client.execute(uri: "/api/v1/nothing", method: .put) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("A body over 64 KiB is a 413 in JSON on every route, with or without a Content-Length")
    func bodyLimit() async throws {
        let harness = try await RouteHarness(serve: "token_env = \"SERVE_TOKEN\"")
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)
        try await harness.test { client in
            let token: HTTPFields = [.authorization: "Bearer route-token-5e1d"]
            for (path, method) in [("/login", HTTPRequest.Method.post), ("/api/v1/sync", .post), ("/healthz", .get)] {
                // No Content-Length: the router test client sends the body as it comes, as a chunked one does.
                try await client.execute(uri: path, method: method, headers: token, body: body) { response in
                    #expect(response.status == .contentTooLarge, "\(method) \(path) chunked")
                    #expect(String(buffer: response.body).contains("\"status\":413"), "\(method) \(path)")
                }
                var headers = token
                headers[.contentLength] = "100000"
                try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
                    #expect(response.status == .contentTooLarge, "\(method) \(path) with a length")
                }
            }
            // Within the limit, the sign-in form is read as usual: a wrong token is a 401 page.
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=wrong&next=%2F")
            ) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("The rate limit refills by the clock it is given: 429 with Retry-After, then 200 a second later")
    func rateLimitByClock() async throws {
        let harness = try await RouteHarness(serve: "requests_per_second = 1")
        try await harness.test { client in
            // One a second, bursts of two: the third at the same instant waits a second.
            for _ in 0..<2 {
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
            }
            harness.clock.advance(milliseconds: 999)
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .tooManyRequests) }
            harness.clock.advance(milliseconds: 1_001)
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("Counts on the overview say 1 account and 1 error, not 1 accounts and 1 errors")
    func singularCounts() async throws {
        let harness = try await RouteHarness(oneRun: 1) { tx, run, sources in
            _ = try tx.record(
                ReportFixture.modelRouter(
                    17, "研发部", try MoneyUnit("CNY"), "1000", modified: ReportFixture.day(18),
                    observed: ReportFixture.day(18, 1)),
                raw: ReportFixture.raw("mr17", at: ReportFixture.day(18, 1)), sourceID: sources.mr, runID: run)
            return .complete
        }
        try await harness.test { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("<p>1 account</p>") && html.contains("<p>0 accounts</p>"))
                #expect(html.contains("1 error, 0 conflicts, 0 quarantined in that run"))
                #expect(!html.contains("1 errors") && !html.contains("1 accounts"))
            }
        }
    }

    @Test("A credit line's end is a Unix timestamp in seconds on /metrics, as Prometheus names times")
    func creditEndMetric() async throws {
        let harness = try await RouteHarness(oneRun: 0) { tx, run, sources in
            for (org, end) in [(101, "2026-12-31 00:00:00"), (102, "-")] {
                _ = try tx.record(
                    ReportFixture.dms(
                        Int64(org), "org \(org)", balance: "200", limit: "1000", used: "300", frozen: "50",
                        total: "850", available: "650", at: ReportFixture.day(18, 1), creditEnd: end),
                    raw: ReportFixture.raw("dms\(org)", at: ReportFixture.day(18, 1)), sourceID: sources.dms,
                    runID: run)
            }
            return .complete
        }
        try await harness.test { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                let samples = text.split(separator: "\n").filter {
                    $0.hasPrefix("ledgersync_account_credit_end_timestamp_seconds{")
                }
                #expect(samples.count == 1, "\(samples)")
                #expect(samples.first?.contains("name=\"org 101\"") == true, "\(samples)")
                // 2026-12-31T00:00:00Z
                #expect(samples.first?.hasSuffix(" 1798675200") == true, "\(samples)")
                #expect(!text.contains("days_left"))
            }
        }
    }

    @Test(
        "Bad parameters answer 400 naming the parameter; unknown paths 404; all in JSON",
        arguments: [
            ("/api/v1/balances?limit=0", 400, "limit"), ("/api/v1/balances?limit=abc", 400, "limit"),
            ("/api/v1/balances?as_of=yesterday", 400, "as_of"), ("/api/v1/balances?frm=2026-01-01", 400, "frm"),
            ("/api/v1/balances?source=nosuch", 400, "source"), ("/api/v1/history?account=999999", 400, "account"),
            ("/api/v1/balances?after=bm90IGEgY3Vyc29y", 400, "after"), ("/api/v1/changes?axis=sideways", 400, "axis"),
            ("/api/v1/conflicts?conflict_kind=odd", 400, "conflict_kind"), ("/api/v1/runs?kind=x", 400, "kind"),
            ("/api/v1/balances?tz=Mars/Base", 400, "tz"),
            ("/api/v1/reconciliation?from=2026-02-01&to=2026-01-01", 400, "from"),
            ("/api/v1/reconciliation?stale_after=x", 400, "stale_after"), ("/api/v1/nothing", 404, ""),
            ("/no/such/page", 404, ""),
        ])
    func badRequests(path: String, status: Int, parameter: String) async throws {
        try await RouteHarness().test { client in
            try await client.execute(uri: path, method: .get) { response in
                let body = String(buffer: response.body)
                #expect(Int(response.status.code) == status, "\(path): \(body)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                guard case .object(let root) = try JSONValue.parse(body), case .object(let error)? = root["error"]
                else {
                    Issue.record("not a JSON error: \(body)")
                    return
                }
                if !parameter.isEmpty { #expect(error["parameter"] == .string(parameter), "\(body)") }
                #expect(!body.contains("Fatal") && !body.contains(".swift"))
            }
        }
    }

    @Test("A page's bad parameter is a 400 page naming it; an unknown account is a 404; another method a 405")
    func pageBadParameters() async throws {
        try await RouteHarness().test { client in
            for (path, status, parameter) in [
                ("/?sort=sideways", 400, "sort"), ("/?page=0", 400, "page"), ("/?colour=red", 400, "colour"),
                ("/account?source=modelrouter&key=999999", 404, "key"), ("/account?source=nope&key=1", 404, "source"),
                ("/account?source=modelrouter&key=17&as_of=yesterday", 400, "as_of"),
                ("/account?source=modelrouter&key=17&axis=diagonal", 400, "axis"),
                ("/account?source=modelrouter", 400, "key"),
                ("/reconciliation?from=2026-13-45", 400, "from"),
                ("/reconciliation?from=2026-02-01&to=2026-01-01", 400, "from"),
                ("/account/raw?version=abc", 400, "version"), ("/account/raw?version=99999999", 404, "version"),
            ] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(Int(response.status.code) == status, "\(path)")
                    #expect(
                        String(buffer: response.body).contains("data-parameter=\"\(parameter)\""),
                        "\(path) does not name \(parameter)")
                }
            }
            try await client.execute(uri: "/runs", method: .post) { #expect($0.status == .methodNotAllowed) }
        }
    }
}
