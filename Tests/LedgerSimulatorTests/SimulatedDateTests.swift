import AsyncHTTPClient
import LedgerCore
import LedgerSimulator
import LedgerSources
import LedgerTestSupport
import Testing

@Suite("The simulator's Date header")
struct SimulatedDateTests {
    @Test("Every answer, an error or an unknown path too, carries simulated time, and moves when the world does")
    func simulatedDate() async throws {
        let start = Instant(year: 2025, month: 6, day: 1)
        try await RunningSimulator.with(SimulatorConfiguration(start: start)) { running in
            func date(_ path: String, token: Bool = true) async throws -> (status: UInt, date: String?) {
                var request = HTTPClientRequest(url: running.baseURL + path)
                if token {
                    request.headers.add(
                        name: "Authorization", value: "Bearer \(running.simulator.configuration.dmsToken.reveal())")
                }
                let response = try await running.client.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
                return (response.status.code, response.headers.first(name: "date"))
            }
            let credit = "/dms/purchase/app-credit?org_id=101&org_type=2&app_mark=1"
            let first = try await date(credit)
            #expect(first.status == 200 && first.date == "Sun, 01 Jun 2025 00:00:00 GMT")
            let refused = try await date(credit, token: false)
            #expect(refused.status != 200 && refused.date == "Sun, 01 Jun 2025 00:00:00 GMT")
            let unknown = try await date("/no/such/path")
            #expect(unknown.status == 404 && unknown.date == "Sun, 01 Jun 2025 00:00:00 GMT")
            running.simulator.world.advance(seconds: 86_400 + 61)
            let later = try await date(credit)
            #expect(later.status == 200 && later.date == "Mon, 02 Jun 2025 00:01:01 GMT")
        }
    }
}
