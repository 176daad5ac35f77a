import Foundation
import LedgerCore
@testable import LedgerSources
@testable import LedgerSimulator
import LedgerTestSupport
import Testing

@Suite("The simulator's signature nonce window")
struct NonceWindowTests {
    let tolerance: Int64 = 900
    var toleranceMilliseconds: Int64 { tolerance * 1000 }

    @Test(
        "A nonce is refused for as long as a replay could pass the date check",
        arguments: [0, 1, 899_999, 1_799_999, 1_800_000, 2_500_000, 3_599_999] as [Int64])
    func refusedWhileDateValid(offset: Int64) {
        var window = NonceWindow(dateToleranceSeconds: tolerance)
        let base: Int64 = 1_780_000_000_000
        #expect(accept(&window, "first", base))  // starts the first generation
        let seen = base + offset
        #expect(accept(&window, "n", seen))
        // Other requests keep arriving, turning generations over.
        var time = seen
        var serial = 0
        while time < seen + 2 * toleranceMilliseconds {
            serial += 1
            #expect(accept(&window, "other-\(serial)", time))
            time += 60_000
        }
        // Accepted at `seen`, its date is at least `seen - tolerance`; a replay passes the date check until
        // `seen + 2 × tolerance`, and must be refused up to then.
        #expect(!accept(&window, "n", seen + 2 * toleranceMilliseconds))
        #expect(!accept(&window, "n", seen + toleranceMilliseconds))
    }

    @Test("Memory holds the last two generations, not every nonce of a long run")
    func bounded() {
        var window = NonceWindow(dateToleranceSeconds: tolerance)
        let base: Int64 = 1_780_000_000_000
        var largest = 0
        // One request a second for ten hours: 36,000 nonces.
        for second in 0..<36_000 as Range<Int64> {
            #expect(accept(&window, "nonce-\(second)", base + second * 1000))
            largest = max(largest, window.count)
        }
        // Two generations of 2 × 900 s at one a second.
        #expect(largest <= 3_600)
        #expect(largest >= 1_800)
        // After a silence longer than both generations, nothing old is kept.
        #expect(accept(&window, "late", base + 100_000_000))
        #expect(window.count == 1)
    }

    @Test("Without a date check every nonce is kept")
    func keptWithoutDateCheck() {
        var window = NonceWindow(dateToleranceSeconds: nil)
        #expect(accept(&window, "n", 0))
        #expect(!accept(&window, "n", 10 * 365 * 86_400_000))
    }

    @Test("The simulator answers a replayed signed request with SignatureNonceUsed")
    func replayRefused() {
        let clock = SteppedClock(Instant(millisecondsSinceEpoch: 1_780_000_000_000))
        let configuration = SimulatorConfiguration()
        let auth = SimulatorAuth(configuration: configuration, wallClock: clock)
        var headers: [(name: String, value: String)] = [
            ("host", "127.0.0.1"),
            ("x-acs-action", "GetBalance"),
            ("x-acs-content-sha256", ACS3Signer.emptyPayloadHash),
            ("x-acs-date", ModelRouterConnector.acsDate(clock.now())),
            ("x-acs-signature-nonce", "3da68f469c811e142f73cec0a82f4a67"),
        ]
        let signer = ACS3Signer(accessKeyID: configuration.accessKeyID, accessKeySecret: configuration.accessKeySecret)
        let query = [(name: "clientId", value: "1001")]
        headers.append(
            ("authorization", signer.authorization(method: "GET", path: "/", query: query, headers: headers)))
        func verify() -> String? {
            auth.verifyACS3(method: "GET", rawPath: "/", rawQuery: "clientId=1001", headers: headers)?.code
        }
        #expect(verify() == nil)
        clock.advance(milliseconds: toleranceMilliseconds)
        #expect(verify() == "SignatureNonceUsed")
        clock.advance(milliseconds: 1_000)
        #expect(verify() == "InvalidTimeStamp.Expired")
    }
}

/// Inserts a nonce outside `#expect`, which cannot take a mutating call.
private func accept(_ window: inout NonceWindow, _ nonce: String, _ milliseconds: Int64) -> Bool {
    window.insert(nonce, at: Instant(millisecondsSinceEpoch: milliseconds))
}
