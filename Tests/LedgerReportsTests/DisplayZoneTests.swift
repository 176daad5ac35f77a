import LedgerCore
import LedgerReports
import Testing

@Suite("Display zones")
struct DisplayZoneTests {
    @Test("a day in a zone is local midnight to local midnight, 25 hours on the day daylight saving ends")
    func days() throws {
        let newYork = try DisplayZone("America/New_York")
        let start = try newYork.parse("2026-11-01", argument: "--from")
        #expect(start == (try Instant(iso8601: "2026-11-01T00:00:00-04:00")))
        #expect(newYork.startOfNextDay(after: start) == (try Instant(iso8601: "2026-11-02T00:00:00-05:00")))
        let taipei = try DisplayZone("Asia/Taipei")
        let day = try taipei.parse("2026-11-19", argument: "--from")
        #expect(taipei.format(day) == "2026-11-19T00:00:00+08:00")
        #expect(taipei.startOfNextDay(after: day.adding(seconds: 3600)) == day.adding(seconds: 86_400))
        #expect(throws: ReportInputError.self) { try DisplayZone("Mars/Olympus") }
        #expect(throws: ReportInputError.self) { try taipei.parse("2026-11-19T08:00:00", argument: "--to") }
    }
}
