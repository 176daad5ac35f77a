import Crypto
import LedgerCore

/// Alibaba Cloud's ACS3-HMAC-SHA256 request signature, as the official SDKs send it.
///
/// ```
/// CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
/// StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA256(CanonicalRequest))
/// Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
/// ```
public struct ACS3Signer: Sendable {
    /// The signature algorithm named in the Authorization header.
    public static let algorithm = "ACS3-HMAC-SHA256"
    /// The hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The AccessKey id named in every signature.
    public let accessKeyID: String
    private let accessKeySecret: Secret

    /// A signer with an AccessKey pair.
    public init(accessKeyID: String, accessKeySecret: Secret) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
    }

    /// The Authorization header value for a request whose headers (all of which are signed) are given.
    ///
    /// - Parameters:
    ///   - method: `GET`.
    ///   - path: The URL path, not yet percent-encoded.
    ///   - query: Query parameters, not yet percent-encoded.
    ///   - headers: Every header to sign, `x-acs-content-sha256` included.
    /// - Returns: `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
    public func authorization(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)]
    ) -> String {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let payloadHash =
            headers.first { $0.name.lowercased() == "x-acs-content-sha256" }?.value.trimmingSpaces
            ?? Self.emptyPayloadHash
        let signature = Self.signature(
            secret: accessKeySecret,
            canonicalRequest: Self.canonicalRequest(
                method: method, path: path, query: query, canonicalHeaders: canonicalHeaders,
                signedHeaders: signedHeaders, payloadHash: payloadHash))
        return "\(Self.algorithm) Credential=\(accessKeyID),SignedHeaders=\(signedHeaders),Signature=\(signature)"
    }

    /// `lowercase-name:trimmed-value\n` for each header sorted by name, and the names joined by `;`.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        let sorted = headers.map { (name: $0.name.lowercased(), value: $0.value.trimmingSpaces) }
            .sorted { $0.name < $1.name }
        return (
            sorted.map { "\($0.name):\($0.value)\n" }.joined(),
            sorted.map(\.name).joined(separator: ";")
        )
    }

    /// The canonical request string.
    public static func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)], canonicalHeaders: String,
        signedHeaders: String, payloadHash: String
    ) -> String {
        let canonicalURI = path.isEmpty ? "/" : percentEncode(path, keepSlash: true)
        let canonicalQuery = query.map { (name: percentEncode($0.name), value: percentEncode($0.value)) }
            .sorted { ($0.name, $0.value) < ($1.name, $1.value) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        return [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    /// `hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA256(canonicalRequest))))`.
    public static func signature(secret: Secret, canonicalRequest: String) -> String {
        let stringToSign = "\(algorithm)\n\(hex(SHA256.hash(data: Array(canonicalRequest.utf8))))"
        let key = SymmetricKey(data: Array(secret.reveal().utf8))
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// RFC 3986 percent-encoding: everything but `A–Z a–z 0–9 - _ . ~` (and `/` in a path).
    public static func percentEncode(_ text: String, keepSlash: Bool = false) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                output += "/"
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                output += "%"
                output.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                output.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0x0F)]))
            }
        }
        return output
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 { lowercaseHex(digest) }
}
