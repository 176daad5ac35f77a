import Hummingbird
import LedgerStore

extension LedgerServer {
    /// `/metrics`: the exposition, read from the ledger at each scrape.
    func metrics() async throws -> Response {
        let status = await scheduler.currentStatus()
        let text: String
        do {
            let now = clock.now()
            text = MetricsWriter.render(
                sources: try reader.sourceSummaries(), totals: try reader.totals(),
                watched: try reader.watchedAccounts(limit: settings.metricsAccountLimit, now: now),
                watchedLimit: settings.metricsAccountLimit, scheduler: status,
                alerts: try reader.alerts(limit: settings.metricsAccountLimit), now: now)
        } catch {
            throw Self.apiError(error)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
