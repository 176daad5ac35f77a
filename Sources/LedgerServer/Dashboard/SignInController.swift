import Foundation
import Hummingbird
import LedgerCore
import Logging

/// `GET /login` and `POST /login`: a browser gives the token once and carries a session cookie from then on.
struct SignInController: PageController {
    /// The server's token; without one there is nothing to sign in to.
    let token: BearerToken?
    let templates: DashboardTemplates
    let clock: any LedgerClock
    let logger: Logger

    func addRoutes(to routes: RouteTable) {
        routes.get("/login") { request, _ in await page { try loginPage(request, failed: false) } }
        routes.post("/login") { request, _ in await page { try await login(request) } }
    }

    func loginPage(_ request: Request, failed: Bool, next: String? = nil) throws -> Response {
        let target = next ?? Self.formPairs(request).first { $0.name == "next" }?.value ?? "/"
        let nonce = HTMLResponse.nonce()
        let frame = PageFrame(title: "Sign in", nonce: nonce, generatedAt: Self.short(clock.now()))
        return HTMLResponse.make(
            templates.page("login", frame: frame, model: SignInPage(next: Self.localPath(target), failed: failed)),
            nonce: nonce, status: failed ? .unauthorized : .ok)
    }

    /// The sign-in form: the right token sets the session cookie and returns to the page asked for.
    func login(_ request: Request) async throws -> Response {
        guard let token else { return HTMLResponse.seeOther("/") }
        var request = request
        // The request limit already refused a longer body.
        let body = try await request.collectBody(upTo: RequestLimitMiddleware<ServeContext>.maximumBodyBytes)
        let form = Self.formFields(String(buffer: body))
        let next = Self.localPath(form["next"] ?? "/")
        guard let given = form["token"], token.matches(given) else {
            logger.notice("a dashboard sign-in failed")
            return try loginPage(request, failed: true, next: next)
        }
        return HTMLResponse.seeOther(next, headers: [.setCookie: token.sessionCookie])
    }

    /// A path on this server (`/…`, not `//host…`), else `/`: a sign-in never sends the browser elsewhere.
    static func localPath(_ text: String) -> String {
        text.hasPrefix("/") && !text.hasPrefix("//") && !text.contains("\\") ? text : "/"
    }
}

/// The sign-in page's model for its template.
struct SignInPage {
    let next: String
    let failed: Bool
}
