import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore
import LedgerSync

extension LedgerServer {
    /// Every route. Handlers only turn parameters into a query and its answer into JSON: the rules are in
    /// LedgerReports and the reads in LedgerStore.
    func makeRouter() -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        var methods: [String: [HTTPRequest.Method]] = [
            "/healthz": [.get], "/metrics": [.get], "/api/v1/sync": [.post], "/login": [.get, .post], "/sync": [.post],
        ]
        for page in Self.dashboardPages { methods[page] = [.get] }
        for path in QueryKind.allCases.map(\.rawValue) + ["reconciliation", "status", "alerts", "openapi.json"] {
            methods["/api/v1/" + path] = [.get]
        }
        router.add(middleware: AccessMiddleware(token: token, methods: methods, pages: Self.dashboardPages))
        router.add(middleware: RequestLimitMiddleware(buckets: buckets))
        router.get("healthz") { _, _ in JSONResponse.make(text: "{\"ok\":true}") }
        let api = router.group("api/v1")
        for kind in QueryKind.allCases {
            api.get(RouterPath(stringLiteral: kind.rawValue)) { request, _ in
                try await self.list(kind, request)
            }
        }
        api.get("reconciliation") { request, _ in try self.reconciliation(request) }
        api.get("status") { _, _ in await self.status() }
        api.get("alerts") { request, _ in try self.alerts(request) }
        api.post("sync") { _, _ in try await self.syncNow() }
        api.get("openapi.json") { _, _ in JSONResponse.make(text: OpenAPIDocument.json) }
        router.get("metrics") { _, _ in try await self.metrics() }
        addDashboard(to: router)
        return router
    }

    /// The query string as name–value pairs, in order.
    static func pairs(_ request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }

    func list(_ kind: QueryKind, _ request: Request) async throws -> Response {
        let options: QueryOptions
        do {
            options = try QueryParameters.options(for: kind, Self.pairs(request))
        } catch {
            throw APIError.badParameter(error.name, error.description)
        }
        let reader = reader
        let read: @Sendable () throws -> ByteBuffer = {
            var body = Array("{\"rows\":".utf8)
            let next: String?
            do {
                next = try QueryRunner.writeJSON(kind, reader: reader, options: options, to: &body)
            } catch let error as QueryError {
                throw Self.apiError(error)
            }
            body.append(contentsOf: ",\"next_after\":".utf8)
            if let next { JSONValue.writeString(next, to: &body) } else { body.append(contentsOf: "null".utf8) }
            body.append(UInt8(ascii: "}"))
            return ByteBuffer(bytes: body)
        }
        let stamp: Int64?
        do { stamp = try reader.changeStamp() } catch { throw Self.apiError(error) }
        guard let stamp else { return JSONResponse.make(body: try read()) }
        // The same question at the same stamp has the same answer: the parameters as sent are the key.
        let key = kind.rawValue + "?" + (request.uri.query ?? "")
        return JSONResponse.make(body: try await listCache.value(key: key, stamp: stamp) { try read() })
    }

    /// A query the ledger refused: the user's fault (400 naming the parameter) or the store's (500, no detail).
    static func apiError(_ error: QueryError) -> APIError {
        switch error.code {
        case .unknownSource: .badParameter("source", error.description)
        case .unknownAccount: .badParameter("account", error.description)
        case .invalidCursor: .badParameter("after", error.description)
        case .conflictingFilters, .writeRefused, .invalidSQL: APIError(.badRequest, error.description)
        case .store: APIError(.internalServerError, "the ledger could not be read; see the server's log")
        }
    }

    func reconciliation(_ request: Request) throws -> Response {
        var report = ReportRequest()
        var filterPairs: [(name: String, value: String)] = []
        for (name, value) in Self.pairs(request) {
            switch name {
            case "tz": report.zone = value
            case "stale_after":
                guard let hours = Int(value) else {
                    throw APIError.badParameter(name, "expected a whole number of hours")
                }
                report.staleAfterHours = hours
            case "tolerance": report.tolerances.append(value)
            case "source", "kind", "account", "unit", "name", "from", "to": filterPairs.append((name, value))
            default:
                throw APIError.badParameter(
                    name,
                    "unknown parameter for reconciliation (allowed: account, from, kind, name, source, "
                        + "stale_after, to, tolerance, tz, unit)")
            }
        }
        do {
            // The filter's names and values are checked as the lists check them.
            var pairs = filterPairs
            pairs.append(("tz", report.zone))
            report.filter = try QueryParameters.options(for: .movements, pairs).filter
        } catch {
            throw APIError.badParameter(error.name, error.description)
        }
        let parameters: ReportParameters
        do {
            (parameters, _) = try report.prepare(now: clock.now())
        } catch {
            let name = error.argument.drop { $0 == "-" }.replacingOccurrences(of: "-", with: "_")
            throw APIError.badParameter(name, error.description)
        }
        do {
            return JSONResponse.make(text: try Reconciler.report(reader: reader, parameters: parameters).checkJSON())
        } catch let error as QueryError {
            throw Self.apiError(error)
        }
    }

    /// Alerts firing now, and those resolved since `resolved_since` (default: the last 7 days), newest first.
    func alerts(_ request: Request) throws -> Response {
        var since = clock.now().adding(seconds: -7 * 86_400)
        for (name, value) in Self.pairs(request) {
            guard name == "resolved_since" else {
                throw APIError.badParameter(name, "unknown parameter for alerts (allowed: resolved_since)")
            }
            do { since = try DisplayZone.utc.parse(value, argument: name) } catch {
                throw APIError.badParameter(name, error.description)
            }
        }
        let rows: [AlertRow]
        do { rows = try reader.alerts(resolvedSince: since) } catch { throw Self.apiError(error) }
        let items = rows.map { alert -> JSONValue in
            .object(
                JSONObject([
                    ("id", .number(String(alert.id))), ("rule", .string(alert.rule)),
                    ("kind", .string(alert.kind.rawValue)),
                    ("subject", .string(alert.subject)), ("source", alert.source.map(JSONValue.string) ?? .null),
                    ("account", alert.account.map(JSONValue.string) ?? .null),
                    ("state", .string(alert.firing ? "firing" : "resolved")),
                    ("firing_since", .string(alert.firingSince.iso8601)),
                    ("resolved_at", alert.resolvedAt.map { .string($0.iso8601) } ?? .null),
                    ("message", .string(alert.message)),
                    ("figures", (try? JSONValue.parse(alert.figures)) ?? .null),
                ]))
        }
        return JSONResponse.make(.object(JSONObject([("alerts", .array(items))])))
    }

    func status() async -> Response {
        let status = await scheduler.currentStatus()
        let object = JSONObject([
            ("sync_running", .bool(status.running)),
            ("next_sync_at", status.nextRunAt.map { .string($0.iso8601) } ?? .null),
            ("consecutive_failures", .number(String(status.consecutiveFailures))),
            ("last_outcome", status.lastOutcome.map { .string($0) } ?? .null),
            ("sync_every_seconds", .number(String(settings.syncEvery.components.seconds))),
        ])
        return JSONResponse.make(.object(object))
    }

    func syncNow() async throws -> Response {
        // With a token, the middleware already checked it; without one, nobody is authorised to start a sync.
        guard token != nil else {
            throw APIError(.forbidden, "starting a sync needs a token: serve with --token-env NAME")
        }
        switch await scheduler.requestRun() {
        case .started:
            return JSONResponse.make(text: "{\"sync\":\"started\"}", status: .accepted)
        case .alreadyRunning:
            throw APIError(.conflict, "a sync is running; ask again when it has finished")
        }
    }
}
