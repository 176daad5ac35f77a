import Crypto
import Foundation
import LedgerCore
import LedgerSources

/// The simulator's credential checks, answering refusals the way each service does.
final class SimulatorAuth: @unchecked Sendable {
    let configuration: SimulatorConfiguration
    let wallClock: any LedgerClock
    private let tokenKey = SymmetricKey(size: .bits256)
    private let lock = NSLock()
    private var usedNonces: NonceWindow
    private var issued = 0

    init(configuration: SimulatorConfiguration, wallClock: any LedgerClock) {
        self.configuration = configuration
        self.wallClock = wallClock
        usedNonces = NonceWindow(dateToleranceSeconds: configuration.acsDateToleranceSeconds)
    }

    /// Why an ACS3-signed request is refused (Code and Message, as the gateway answers), or `nil` if it is good.
    func verifyACS3(
        method: String, rawPath: String, rawQuery: String?, headers: [(name: String, value: String)]
    )
        -> (status: Int, code: String, message: String)?
    {
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        guard let authorization = header("authorization") else {
            return (400, "MissingAuthorization", "Authorization is mandatory for this action.")
        }
        let prefix = "ACS3-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else {
            return (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        }
        var parts: [String: String] = [:]
        for part in authorization.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[pair[0].trimmingCharacters(in: .whitespaces)] = String(pair[1]) }
        }
        guard let credential = parts["Credential"], let signed = parts["SignedHeaders"],
            let signature = parts["Signature"]
        else {
            return (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        }
        guard credential == configuration.accessKeyID else {
            return (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        }
        let signedNames = signed.split(separator: ";").map(String.init)
        for required in ["host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]
        where !signedNames.contains(required) {
            return (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        }
        var signedHeaders: [(name: String, value: String)] = []
        for name in signedNames {
            guard let value = header(name) else {
                return (400, "IncompleteSignature", "The signed header \(name) is missing.")
            }
            signedHeaders.append((name, value))
        }
        if let tolerance = configuration.acsDateToleranceSeconds {
            guard let date = header("x-acs-date").flatMap({ try? Instant(iso8601: $0) }),
                abs(date.millisecondsSinceEpoch - wallClock.now().millisecondsSinceEpoch) <= tolerance * 1000
            else {
                return (400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
            }
        }
        let path = rawPath.removingPercentEncoding ?? rawPath
        let query: [(name: String, value: String)] = (rawQuery ?? "").split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]).removingPercentEncoding ?? String(pair[0])
            let value = pair.count > 1 ? (String(pair[1]).removingPercentEncoding ?? String(pair[1])) : ""
            return (name, value)
        }
        let (canonicalHeaders, signedNamesText) = ACS3Signer.canonicalHeaders(signedHeaders)
        let canonical = ACS3Signer.canonicalRequest(
            method: method, path: path, query: query, canonicalHeaders: canonicalHeaders,
            signedHeaders: signedNamesText, payloadHash: header("x-acs-content-sha256") ?? "")
        let expected = ACS3Signer.signature(secret: configuration.accessKeySecret, canonicalRequest: canonical)
        guard expected == signature else {
            return (400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        }
        let nonce = header("x-acs-signature-nonce") ?? ""
        let now = wallClock.now()
        let fresh = lock.withLock { usedNonces.insert(nonce, at: now) }
        guard fresh else {
            return (400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        }
        return nil
    }

    /// Whether a DMS request carries the token, as `Authorization: Bearer …` or `?token=…`.
    func verifyDMS(headers: [(name: String, value: String)], query: [String: String]) -> Bool {
        let token = configuration.dmsToken.reveal()
        if headers.contains(where: { $0.name == "authorization" && $0.value == "Bearer \(token)" }) { return true }
        return query["token"] == token
    }

    /// Issues a TWCC token (an HS256 JWT with `exp`) for the right account and password.
    func issueTWCCToken(account: String?, password: String?) -> String? {
        guard account == configuration.twccAccount, password == configuration.twccPassword.reveal() else { return nil }
        let expires = wallClock.now().adding(seconds: configuration.twccTokenLifetimeSeconds)
        let serial = lock.withLock {
            issued += 1
            return issued
        }
        let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = base64URL(
            Array(
                #"{"sub":"\#(account ?? "")","exp":\#(expires.millisecondsSinceEpoch / 1000),"jti":\#(serial)}"#.utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Array("\(header).\(payload)".utf8), using: tokenKey)
        return "\(header).\(payload).\(base64URL(Array(signature)))"
    }

    /// How many TWCC tokens have been issued.
    var tokensIssued: Int { lock.withLock { issued } }

    /// Whether a TWCC request carries a valid, unexpired token or the API key.
    func verifyTWCC(headers: [(name: String, value: String)]) -> Bool {
        if let key = headers.first(where: { $0.name == "x-api-key" })?.value {
            return key == configuration.twccAPIKey.reveal()
        }
        guard let bearer = headers.first(where: { $0.name == "authorization" })?.value, bearer.hasPrefix("Bearer ")
        else { return false }
        let parts = bearer.dropFirst(7).split(separator: ".").map(String.init)
        guard parts.count == 3 else { return false }
        let expected = base64URL(
            Array(
                HMAC<SHA256>.authenticationCode(
                    for: Array("\(parts[0]).\(parts[1])".utf8), using: tokenKey)))
        guard expected == parts[2] else { return false }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload), case .object(let claims)? = try? JSONValue.parse(Array(data)),
            case .number(let exp)? = claims["exp"], let seconds = Int64(exp)
        else { return false }
        return seconds * 1000 > wallClock.now().millisecondsSinceEpoch
    }

    private func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
