import Hummingbird
import LedgerStore

extension LedgerServer {
    /// `/metrics`: the exposition read from the ledger, shared by the scrapes of ``ReadCache/maximumAge``.
    func metrics() async throws -> Response {
        let text: String
        do {
            text = try await metricsCache.value { [self] in
                let status = await scheduler.currentStatus()
                let now = clock.now()
                return MetricsWriter.render(
                    sources: try reader.sourceSummaries(), totals: try reader.totals(),
                    watched: try reader.watchedAccounts(limit: settings.metricsAccountLimit, now: now),
                    watchedLimit: settings.metricsAccountLimit, scheduler: status,
                    alerts: try reader.alerts(limit: settings.metricsAccountLimit), now: now)
            }
        } catch let error as QueryError {
            throw Self.apiError(error)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
