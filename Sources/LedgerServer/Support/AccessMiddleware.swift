import Foundation
import Hummingbird

/// Refuses requests without the token (401; a browser asking for a dashboard page is sent to sign in), and
/// answers unknown paths with a JSON 404.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken?
    /// Every route with its methods (the 405's `Allow`) and whether it is a page (a browser without a session is
    /// sent to `/login` and back), as the controllers registered them.
    let routes: RouteMap

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let path = request.uri.path
        if let token, path != "/healthz", path != "/login", !token.admits(request) {
            if token.admitsSession(request) {
                // A cookie rides along on any request the browser makes: a change must come from our own pages.
                // (https too: behind a TLS proxy the browser's origin is the proxy's scheme with our host.)
                let authority = request.head.authority ?? ""
                if request.method != .get, let origin = request.headers[.origin],
                    origin != "http://" + authority, origin != "https://" + authority
                {
                    throw APIError(.forbidden, "a form of another site may not change this server")
                }
            } else if request.method == .get, routes.isPage(path) {
                var components = URLComponents()
                components.path = "/login"
                components.queryItems = [
                    URLQueryItem(name: "next", value: String(request.uri.description.prefix(2000)))
                ]
                return HTMLResponse.seeOther(components.string ?? "/login")
            } else {
                var error = APIError(.unauthorized, "this server requires a bearer token (Authorization: Bearer …)")
                error.headers = [.wwwAuthenticate: "Bearer realm=\"ledgersync\""]
                throw error
            }
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(request.uri.path)
            if !allowed.isEmpty {
                let list = allowed.map(\.rawValue).joined(separator: ", ")
                var error = APIError(.methodNotAllowed, "\(request.method) is not allowed here; use \(list)")
                error.headers = [.allow: list]
                throw error
            }
            throw APIError(.notFound, "no such path: \(request.uri.path.prefix(200))")
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw APIError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path.prefix(200))")
        }
    }
}
