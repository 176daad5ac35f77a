import Foundation
import Hummingbird
import LedgerCore

extension LedgerServer {
    /// The dashboard's pages, as paths the access check sends a browser to sign in for.
    static let dashboardPages: Set<String> = ["/", "/account", "/account/raw", "/reconciliation", "/runs"]

    /// The dashboard's routes: pages read the same API the JSON routes do, and render escaped templates.
    func addDashboard(to router: Router<ServeContext>) {
        router.get("/") { request, _ in await self.page { try await self.overview(request) } }
        router.get("account") { request, _ in await self.page { try self.account(request) } }
        router.get("account/raw") { request, _ in await self.page { try self.rawResponse(request) } }
        router.get("reconciliation") { request, _ in await self.page { try self.reconciliationPage(request) } }
        router.get("reconciliation/files/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            return await self.page { try self.reconciliationFile(request, name: name) }
        }
        router.get("runs") { request, _ in await self.page { try self.runsPage(request) } }
        router.get("login") { request, _ in await self.page { try self.loginPage(request, failed: false) } }
        router.post("login") { request, _ in await self.page { try await self.login(request) } }
        router.post("sync") { _, _ in await self.page { try await self.syncFromPage() } }
    }

    /// Runs a page handler; what it cannot answer becomes a page naming the parameter at fault (or the error).
    func page(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as PageError {
            return errorPage(status: error.status, message: error.message, parameter: error.parameter)
        } catch let error as APIError {
            return errorPage(status: error.status, message: error.message, parameter: error.parameter)
        } catch {
            logger.error("a dashboard page failed", metadata: ["error": "\(error)"])
            return errorPage(
                status: .internalServerError, message: "the page could not be read from the ledger; see the log",
                parameter: nil)
        }
    }

    func errorPage(status: HTTPResponse.Status, message: String, parameter: String?) -> Response {
        struct Model {
            let heading, message: String
            let parameter: String?
        }
        let nonce = HTMLResponse.nonce()
        let heading = status == .badRequest ? "That request has a mistake" : status == .notFound ? "Not found" : "Error"
        let frame = PageFrame(title: heading, nonce: nonce, generatedAt: Self.short(clock.now()))
        return HTMLResponse.make(
            templates.page(
                "error", frame: frame, model: Model(heading: heading, message: message, parameter: parameter)),
            nonce: nonce, status: status)
    }

    func loginPage(_ request: Request, failed: Bool, next: String? = nil) throws -> Response {
        struct Model {
            let next: String
            let failed: Bool
        }
        let target = next ?? Self.formPairs(request).first { $0.name == "next" }?.value ?? "/"
        let nonce = HTMLResponse.nonce()
        let frame = PageFrame(title: "Sign in", nonce: nonce, generatedAt: Self.short(clock.now()))
        return HTMLResponse.make(
            templates.page("login", frame: frame, model: Model(next: Self.localPath(target), failed: failed)),
            nonce: nonce, status: failed ? .unauthorized : .ok)
    }

    /// The sign-in form: the right token sets the session cookie and returns to the page asked for.
    func login(_ request: Request) async throws -> Response {
        guard let token else { return HTMLResponse.seeOther("/") }
        var request = request
        let body = try await request.collectBody(upTo: 65_536)
        let form = Self.formFields(String(buffer: body))
        let next = Self.localPath(form["next"] ?? "/")
        guard let given = form["token"], token.matches(given) else {
            logger.notice("a dashboard sign-in failed")
            return try loginPage(request, failed: true, next: next)
        }
        return HTMLResponse.seeOther(next, headers: [.setCookie: token.sessionCookie])
    }

    /// The overview's "Sync now": for a signed-in user of a server with a token, as `POST /api/v1/sync`.
    func syncFromPage() async throws -> Response {
        guard token != nil else {
            throw PageError(status: .forbidden, message: "starting a sync needs a token: serve with --token-env NAME")
        }
        switch await scheduler.requestRun() {
        case .started: return HTMLResponse.seeOther("/?sync=started")
        case .alreadyRunning: return HTMLResponse.seeOther("/?sync=running")
        }
    }

    /// A path on this server (`/…`, not `//host…`), else `/`: a sign-in never sends the browser elsewhere.
    static func localPath(_ text: String) -> String {
        text.hasPrefix("/") && !text.hasPrefix("//") && !text.contains("\\") ? text : "/"
    }

    /// `application/x-www-form-urlencoded` fields (the first of each name).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in formDecoded(body) where fields[name] == nil { fields[name] = value }
        return fields
    }

    /// A page's query string decoded as the form that sent it encodes it: `+` is a space, `%2B` a plus (the
    /// API's parameters keep `+` as sent, for offsets such as `+08:00` typed in a URL).
    static func formPairs(_ request: Request) -> [(name: String, value: String)] {
        formDecoded(request.uri.query ?? "")
    }

    static func formDecoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
