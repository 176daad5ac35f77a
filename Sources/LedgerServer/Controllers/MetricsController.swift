import Hummingbird
import LedgerCore
import LedgerStore

/// `GET /metrics`: the Prometheus exposition read from the ledger, shared by the scrapes of a few seconds.
struct MetricsController: Sendable {
    let reader: LedgerReader
    let scheduler: SyncScheduler
    let clock: any LedgerClock
    /// The most accounts given their own series.
    let accountLimit: Int
    /// The last exposition, served again while it is younger than the cache's age.
    let cache: TimedCache<String>

    func addRoutes(to routes: RouteTable) {
        routes.get("/metrics") { _, _ in try await metrics() }
    }

    func metrics() async throws -> Response {
        let text: String
        do {
            text = try await cache.value { [self] in
                let status = await scheduler.currentStatus()
                let now = clock.now()
                return MetricsWriter.render(
                    sources: try reader.sourceSummaries(), totals: try reader.totals(),
                    watched: try reader.watchedAccounts(limit: accountLimit, now: now),
                    watchedLimit: accountLimit, scheduler: status,
                    alerts: try reader.alerts(limit: accountLimit), backups: try reader.backupStatus(), now: now)
            }
        } catch let error as QueryError {
            throw APIError(error)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
