import LedgerCore
import LedgerSources
import Testing

@Suite("HTTP dates and Retry-After")
struct HTTPDateTests {
    @Test("IMF-fixdates parse and format back to the same text")
    func roundTrip() throws {
        // Found by the http-date fuzz target: a year before 1000 was formatted with three digits.
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Tue, 29 Feb 2028 23:59:59 GMT",
            "Sat, 12 Nov 0974 08:49:37 GMT",
        ] {
            let instant = try #require(HTTPDate.parse(text), "\(text)")
            #expect(HTTPDate.format(instant) == text)
        }
    }

    @Test(
        "Anything but a well-formed IMF-fixdate is nil, never a crash",
        arguments: [
            // Found by the http-date fuzz target: a 17-digit year overflowed the date arithmetic.
            ", 01 Jan 19708888888888888888 00:00:00 GMT",
            "Sun, 31 Feb 2026 00:00:00 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "",
        ])
    func refuses(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test("Retry-After: seconds, or a date measured from now, never negative")
    func retryAfter() {
        let now = Instant(year: 2026, month: 11, day: 20, hour: 12)
        #expect(RetryAfter.delay(" 120 ", now: now) == .seconds(120))
        #expect(RetryAfter.delay("Fri, 20 Nov 2026 12:00:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.delay("Thu, 01 Jan 1970 00:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("Fri, 31 Dec 9999 23:59:59 GMT", now: now)! > .seconds(86_400 * 365 * 7000))
        #expect(RetryAfter.delay("-5", now: now) == nil)
        #expect(RetryAfter.delay("soon", now: now) == nil)
    }
}
