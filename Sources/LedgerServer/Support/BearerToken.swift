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
