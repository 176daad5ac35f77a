import Foundation
import Hummingbird
import LedgerCore
import LedgerStore
import LedgerSync
import Logging

/// The dashboard's pages: they read what the JSON routes read and render escaped templates. The page handlers are
/// in `Dashboard+Overview`, `Dashboard+Account` and `Dashboard+Reports`.
struct DashboardController: PageController {
    let reader: LedgerReader
    let scheduler: SyncScheduler
    let templates: DashboardTemplates
    let clock: any LedgerClock
    let logger: Logger
    /// The overview's whole-ledger parts, shared by the requests of a few seconds.
    let overviewCache: TimedCache<OverviewSummary>
    /// The time between scheduled syncs, which the overview shows.
    let syncEvery: Duration
    /// Whether the server has a token: only then does the overview offer "Sync now".
    let canSync: Bool
    /// The `[backup]` schedule, if any: the overview shows it and the last backup.
    let backup: BackupSchedule?

    func addRoutes(to routes: RouteTable) {
        routes.get("/", page: true) { request, _ in await page { try await overview(request) } }
        routes.get("/account", page: true) { request, _ in await page { try account(request) } }
        routes.get("/account/raw", page: true) { request, _ in await page { try rawResponse(request) } }
        routes.get("/reconciliation", page: true) { request, _ in await page { try await reconciliationPage(request) } }
        routes.get("/reconciliation/files/:name", page: true) { request, context in
            let name = context.parameters.get("name") ?? ""
            return await page { try await reconciliationFile(request, name: name) }
        }
        routes.get("/runs", page: true) { request, _ in await page { try runsPage(request) } }
        routes.post("/sync") { _, _ in await page { try await syncFromPage() } }
    }

    /// The overview's "Sync now": for a signed-in user of a server with a token, as `POST /api/v1/sync`.
    func syncFromPage() async throws -> Response {
        guard canSync else {
            throw PageError(status: .forbidden, message: "starting a sync needs a token: serve with --token-env NAME")
        }
        switch await scheduler.requestRun() {
        case .started: return HTMLResponse.seeOther("/?sync=started")
        case .alreadyRunning: return HTMLResponse.seeOther("/?sync=running")
        }
    }
}
