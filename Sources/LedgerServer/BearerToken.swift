import Crypto
import Foundation
import Hummingbird
import LedgerCore

/// The bearer token `serve` requires when it has one: checked on every route but `/healthz`, compared in constant
/// time (both sides hashed first, so neither the length nor a prefix leaks).
struct BearerToken: Sendable {
    private let digest: [UInt8]

    init(_ token: Secret) {
        digest = Array(SHA256.hash(data: Data(token.reveal().utf8)))
    }

    /// Whether `request` carries the token in `Authorization: Bearer …`.
    func admits(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return false }
        let given = Array(SHA256.hash(data: Data(header.dropFirst(7).utf8)))
        var difference: UInt8 = 0
        for (a, b) in zip(given, digest) { difference |= a ^ b }
        return difference == 0
    }
}

/// Refuses requests without the token (401), and answers unknown paths with a JSON 404.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken?
    /// The methods each known path answers, for the 405 of another method.
    let methods: [String: [HTTPRequest.Method]]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if let token, request.uri.path != "/healthz", !token.admits(request) {
            var error = APIError(.unauthorized, "this server requires a bearer token (Authorization: Bearer …)")
            error.headers = [.wwwAuthenticate: "Bearer realm=\"ledgersync\""]
            throw error
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
