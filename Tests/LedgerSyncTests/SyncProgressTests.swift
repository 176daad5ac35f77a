import Foundation
import LedgerSimulator
import LedgerStore
@testable import LedgerSync
import LedgerTestSupport
import Testing

@Suite("Sync progress")
struct SyncProgressTests {
    @Test("A progress line shows done/total, rate, errors and ETA")
    func text() {
        let line = SyncProgress.Line(source: "mr", done: 120, total: 500, errors: 2)
        #expect(SyncProgress.text(line, elapsed: .seconds(3)) == "mr  120/500  40.0/s  2 errors  ETA 10s")
        let finished = SyncProgress.Line(source: "dms", done: 20, total: 20, errors: 0)
        #expect(SyncProgress.text(finished, elapsed: .seconds(2)) == "dms  20/20  10.0/s  0 errors  done")
    }

    @Test("A sync reports every target of every source, and the final state last")
    func reportsEveryTarget() async throws {
        try await withSyncHarness { harness in
            let seen = LockedLines()
            let progress = SyncProgress { lines, _ in
                seen.append(lines.map { "\($0.source) \($0.done)/\($0.total) \($0.errors)" }.joined(separator: "|"))
            }
            harness.simulator.faults.add(FaultRule(.permissionDenied, source: .modelRouter, target: "1002"))
            guard
                case .finished = try await SyncCommandRunner.run(
                    configuration: harness.configuration(), progress: progress, logger: SyncHarness.quiet)
            else {
                Issue.record("locked")
                return
            }
            let last = try #require(seen.all.last)
            #expect(last.split(separator: "|").sorted() == ["dms 3/3 0", "mr 5/5 1", "twcc 6/6 0"])
        }
    }
}
