import LedgerCore
import LedgerSources
import Testing

@Suite("ACS3-HMAC-SHA256")
struct ACS3SignerTests {
    /// The request captured from Alibaba Cloud's Python SDK 7.10.0 (api-notes.md).
    static let sdkHeaders: [(name: String, value: String)] = [
        ("accept", "application/json"),
        ("host", "127.0.0.1:18081"),
        ("user-agent", "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"),
        ("x-acs-action", "ModelRouterGetClientBalance"),
        ("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("x-acs-credentials-provider", "static_ak"),
        ("x-acs-date", "2026-11-21T20:24:58Z"),
        ("x-acs-signature-nonce", "3da68f469c811e142f73cec0a82f4a67"),
        ("x-acs-version", "20240611"),
    ]

    @Test("Reproduces the official SDK's signature exactly")
    func sdkVector() {
        let signer = ACS3Signer(accessKeyID: "AKID", accessKeySecret: Secret("SECRET"))
        let authorization = signer.authorization(
            method: "GET", path: "/api/v1/modelRouter/open/clients/1/balance", query: [],
            headers: Self.sdkHeaders)
        #expect(
            authorization
                == "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=accept;host;user-agent;x-acs-action;"
                + "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                + "Signature=8520b6a7d84a127456c21b939dd9041b9800809eb76775ea5a86dc6b1bbbd0de")
    }

    @Test("Header order and name case do not change the signature; any value does")
    func canonicalization() {
        let signer = ACS3Signer(accessKeyID: "AKID", accessKeySecret: Secret("SECRET"))
        let base = signer.authorization(
            method: "GET", path: "/api/v1/modelRouter/open/clients/1/balance", query: [], headers: Self.sdkHeaders)
        let shuffled = Self.sdkHeaders.reversed().map { (name: $0.name.uppercased(), value: " \($0.value) ") }
        #expect(
            signer.authorization(
                method: "GET", path: "/api/v1/modelRouter/open/clients/1/balance", query: [], headers: shuffled) == base
        )
        var changed = Self.sdkHeaders
        changed[6].value = "2026-11-21T20:24:59Z"
        #expect(
            signer.authorization(
                method: "GET", path: "/api/v1/modelRouter/open/clients/1/balance", query: [], headers: changed) != base)
        let otherSecret = ACS3Signer(accessKeyID: "AKID", accessKeySecret: Secret("SECRET2"))
        #expect(
            otherSecret.authorization(
                method: "GET", path: "/api/v1/modelRouter/open/clients/1/balance", query: [], headers: Self.sdkHeaders)
                != base)
    }

    @Test("Query parameters are sorted and RFC 3986 encoded")
    func query() {
        let canonical = ACS3Signer.canonicalRequest(
            method: "GET", path: "/a b/c", query: [("pageSize", "100"), ("keyword", "研发 部"), ("nextToken", "a+b/c=")],
            canonicalHeaders: "host:x\n", signedHeaders: "host", payloadHash: ACS3Signer.emptyPayloadHash)
        #expect(canonical.split(separator: "\n", omittingEmptySubsequences: false)[1] == "/a%20b/c")
        #expect(
            canonical.split(separator: "\n", omittingEmptySubsequences: false)[2]
                == "keyword=%E7%A0%94%E5%8F%91%20%E9%83%A8&nextToken=a%2Bb%2Fc%3D&pageSize=100")
    }

    @Test("A secret never shows in descriptions")
    func secretIsRedacted() {
        let secret = Secret("hunter2-very-secret")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!String(describing: [secret]).contains("hunter2"))
    }

    @Test("Nonces have the asked length in lowercase hex, any length, and do not repeat")
    func nonces() {
        for count in [1, 7, 8, 9, 16, 33] {
            let nonce = randomHex(count)
            #expect(nonce.count == 2 * count, "\(count) bytes")
            #expect(nonce.allSatisfy { "0123456789abcdef".contains($0) })
        }
        let many = (0..<1000).map { _ in randomHex(16) }
        #expect(Set(many).count == many.count)
        // Every hex digit shows up in every position over many nonces: no byte of a draw is left constant.
        for position in 0..<32 {
            let digits = Set(many.map { $0[$0.index($0.startIndex, offsetBy: position)] })
            #expect(digits.count == 16, "position \(position)")
        }
    }
}
