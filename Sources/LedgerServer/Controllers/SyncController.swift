import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

/// The sync's state and the alerts it evaluates: `GET /api/v1/status`, `POST /api/v1/sync`, `GET /api/v1/alerts`.
struct SyncController: Sendable {
    let scheduler: SyncScheduler
    let reader: LedgerReader
    /// The default window of resolved alerts is counted back from this clock.
    let clock: any LedgerClock
    /// The time between scheduled syncs, which the status reports.
    let syncEvery: Duration
    /// Whether the server has a token: without one, nobody is authorised to start a sync.
    let hasToken: Bool

    func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/status") { _, _ in try await status() }
        routes.post("/api/v1/sync") { _, _ in try await syncNow() }
        routes.get("/api/v1/alerts") { request, _ in try alerts(request) }
    }

    func status() async throws -> Response {
        let status = await scheduler.currentStatus()
        let head: ChainHead
        do { head = try reader.chainHead() } catch { throw APIError(error) }
        let object = JSONObject([
            ("sync_running", .bool(status.running)),
            ("next_sync_at", status.nextRunAt.map { .string($0.iso8601) } ?? .null),
            ("consecutive_failures", .number(String(status.consecutiveFailures))),
            ("last_outcome", status.lastOutcome.map { .string($0) } ?? .null),
            ("sync_every_seconds", .number(String(syncEvery.components.seconds))),
            ("chain_head", head.json),
        ])
        return JSONResponse.make(.object(object))
    }

    func syncNow() async throws -> Response {
        // With a token, the middleware already checked it.
        guard hasToken else {
            throw APIError(.forbidden, "starting a sync needs a token: serve with --token-env NAME")
        }
        switch await scheduler.requestRun() {
        case .started:
            return JSONResponse.make(text: "{\"sync\":\"started\"}", status: .accepted)
        case .alreadyRunning:
            throw APIError(.conflict, "a sync is running; ask again when it has finished")
        }
    }

    /// Alerts firing now, and those resolved since `resolved_since` (default: the last 7 days), newest first.
    func alerts(_ request: Request) throws -> Response {
        var since = clock.now().adding(seconds: -7 * 86_400)
        for (name, value) in request.queryPairs {
            guard name == "resolved_since" else {
                throw APIError.badParameter(name, "unknown parameter for alerts (allowed: resolved_since)")
            }
            do { since = try DisplayZone.utc.parse(value, argument: name) } catch {
                throw APIError.badParameter(name, error.description)
            }
        }
        let rows: [AlertRow]
        do { rows = try reader.alerts(resolvedSince: since) } catch { throw APIError(error) }
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
}
