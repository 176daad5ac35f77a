import LedgerCore
import LedgerReports
import LedgerStore
import Testing

@Suite("Report requests: the period, tolerances and statement every front end shares")
struct ReportRequestTests {
    let now = Instant(year: 2026, month: 11, day: 20, hour: 3)

    @Test("No period: the last complete day in the zone; --from alone: that one day")
    func periods() throws {
        var request = ReportRequest()
        request.zone = "Asia/Taipei"
        let (defaulted, _) = try request.prepare(now: now)
        // 03:00 UTC is 11:00 in Taipei on the 20th: the last complete day there is the 19th, from 16:00 UTC on the 18th.
        #expect(defaulted.from == Instant(year: 2026, month: 11, day: 18, hour: 16))
        #expect(defaulted.to == Instant(year: 2026, month: 11, day: 19, hour: 16))
        request.filter.from = Instant(year: 2026, month: 11, day: 1, hour: 16)
        let (oneDay, _) = try request.prepare(now: now)
        #expect(oneDay.to == Instant(year: 2026, month: 11, day: 2, hour: 16))
        #expect(oneDay.filter.from == nil && oneDay.filter.to == nil)
    }

    @Test("Bad input names its argument")
    func errors() {
        var backwards = ReportRequest()
        backwards.filter.from = now
        backwards.filter.to = now
        #expect((try? backwards.prepare(now: now)) == nil)
        #expect(throws: ReportInputError.self) { try backwards.prepare(now: now) }
        for (request, argument) in [
            (
                {
                    var r = ReportRequest()
                    r.tolerances = ["nonsense=1"]
                    return r
                }(), "--tolerance"
            ),
            (
                {
                    var r = ReportRequest()
                    r.tolerances = ["statement=-1"]
                    return r
                }(), "--tolerance"
            ),
            (
                {
                    var r = ReportRequest()
                    r.staleAfterHours = 0
                    return r
                }(), "--stale-after"
            ),
            (
                {
                    var r = ReportRequest()
                    r.statementPath = "/nonexistent.csv"
                    return r
                }(), "--statement"
            ),
            (
                {
                    var r = ReportRequest()
                    r.zone = "Mars/Olympus"
                    return r
                }(), "--tz"
            ),
        ] {
            do {
                _ = try request.prepare(now: now)
                Issue.record("\(argument) was accepted")
            } catch {
                #expect(error.argument == argument, "\(error)")
            }
        }
        var tolerant = ReportRequest()
        tolerant.tolerances = ["dms.total_available=0.01"]
        #expect((try? tolerant.prepare(now: now))?.0.tolerances["dms.total_available"]?.description == "0.0100")
    }
}
