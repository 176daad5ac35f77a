import Crypto
import Foundation
import Hummingbird
import LedgerCore

/// The bearer token `serve` requires when it has one: checked on every route but `/healthz` and `/login`,
/// compared in constant time (both sides hashed first, so neither the length nor a prefix leaks).
///
/// A browser gives the token once, on the dashboard's sign-in page, and then carries a session cookie
/// (`HttpOnly`, `SameSite=Strict`) whose value is an HMAC of a fixed label keyed by the token: the token itself
/// is never stored in the browser, and the cookie changes when the token does.
struct BearerToken: Sendable {
    private let digest: [UInt8]
    /// The session cookie's value for this token.
    let sessionValue: String
    /// The session cookie's name.
    static let cookieName = "ledgersync_session"

    init(_ token: Secret) {
        digest = Array(SHA256.hash(data: Data(token.reveal().utf8)))
        let key = SymmetricKey(data: Data(token.reveal().utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("ledgersync dashboard session v1".utf8), using: key)
        sessionValue = mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `request` carries the token in `Authorization: Bearer …`.
    func admits(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return false }
        return matches(String(header.dropFirst(7)))
    }

    /// Whether `given` is the token (the sign-in form).
    func matches(_ given: String) -> Bool {
        Self.equal(Array(SHA256.hash(data: Data(given.utf8))), digest)
    }

    /// Whether `request` carries this token's session cookie.
    func admitsSession(_ request: Request) -> Bool {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == Self.cookieName else {
                    continue
                }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if Self.equal(
                    Array(SHA256.hash(data: Data(value.utf8))), Array(SHA256.hash(data: Data(sessionValue.utf8))))
                {
                    return true
                }
            }
        }
        return false
    }

    /// The `Set-Cookie` value that signs a browser in for 30 days.
    var sessionCookie: String {
        "\(Self.cookieName)=\(sessionValue); Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict"
    }

    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Refuses requests without the token (401; a browser asking for a dashboard page is sent to sign in), and
/// answers unknown paths with a JSON 404.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken?
    /// The methods each known path answers, for the 405 of another method.
    let methods: [String: [HTTPRequest.Method]]
    /// Paths a browser reads as pages: without a session it is sent to `/login` and back.
    let pages: Set<String>

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
            } else if request.method == .get, pages.contains(path) || path.hasPrefix("/reconciliation/files/") {
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
            if let allowed = methods[request.uri.path] {
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
