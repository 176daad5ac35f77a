import LedgerCore
import LedgerSources

/// HTTP dates and Retry-After values, as servers send them: an accepted date formats back to the same text when
/// it was in canonical form, and parses back to the same instant; a Retry-After delay is never negative.
enum HTTPFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let instant = HTTPDate.parse(text) {
            let formatted = HTTPDate.format(instant)
            require(HTTPDate.parse(formatted) == instant, "\(text) → \(formatted) does not parse back")
        }
        let now = Instant(secondsSinceEpoch: 1_700_000_000)
        if let delay = RetryAfter.delay(text, now: now) {
            require(delay >= .zero, "a negative Retry-After delay for \(text)")
        }
    }
}
