import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore
import LedgerSync

/// The sync's state and the alerts it evaluates: `GET /api/v1/status`, `POST /api/v1/sync`, `GET /api/v1/alerts`.
struct SyncController: Sendable {
    let scheduler: SyncScheduler
    let reader: LedgerReader
    /// The default window of resolved alerts is counted back from this clock.
    let clock: any LedgerClock
    /// The time between scheduled syncs, which the status reports.
    let syncEvery: Duration
    /// The `[backup]` schedule, if any: the status reports it with the last backups.
    let backup: BackupSchedule?
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
        let backups: BackupStatus
        do {
            head = try reader.chainHead()
            backups = try reader.backupStatus()
        } catch { throw APIError(error) }
        let backupJSON: JSONValue = backup.map { Self.backupJSON($0, backups) } ?? .null
        let object = JSONObject([
            ("sync_running", .bool(status.running)),
            ("next_sync_at", status.nextRunAt.map { .string($0.iso8601) } ?? .null),
            ("consecutive_failures", .number(String(status.consecutiveFailures))),
            ("last_outcome", status.lastOutcome.map { .string($0) } ?? .null),
            ("sync_every_seconds", .number(String(syncEvery.components.seconds))),
            ("chain_head", head.json),
            ("backup", backupJSON),
        ])
        return JSONResponse.make(.object(object))
    }

    /// The schedule and the last backups, without paths (the directory is the server's business).
    static func backupJSON(_ schedule: BackupSchedule, _ status: BackupStatus) -> JSONValue {
        let lastError: JSONValue = status.lastAttempt?.error.map(JSONValue.string) ?? .null
        let lastBytes: JSONValue = status.lastSuccess?.bytes.map { .number(String($0)) } ?? .null
        let lastHead: JSONValue = status.lastSuccess?.chainHead?.json ?? .null
        let lastAttempt: JSONValue = status.lastAttempt.map { .string($0.finishedAt.iso8601) } ?? .null
        let lastOutcome: JSONValue = status.lastAttempt.map { .string($0.outcome.rawValue) } ?? .null
        let lastSuccess: JSONValue = status.lastSuccess.map { .string($0.finishedAt.iso8601) } ?? .null
        return .object(
            JSONObject([
                ("every_seconds", .number(String(schedule.every.components.seconds))),
                ("keep", .number(String(schedule.keep))),
                ("last_attempt_at", lastAttempt), ("last_outcome", lastOutcome), ("last_error", lastError),
                ("last_success_at", lastSuccess), ("last_success_bytes", lastBytes),
                ("last_success_chain_head", lastHead),
                ("failures", .number(String(status.failures))),
            ]))
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
