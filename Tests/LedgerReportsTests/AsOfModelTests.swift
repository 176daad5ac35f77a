import Foundation
import LedgerCore
import LedgerSimulator
import LedgerStore
import Logging
import Testing

/// As-of answers checked against an independent model of what the ledger should believe.
///
/// The model knows nothing of intervals, supersession or splicing: it keeps every observation the ledger should
/// have accepted, with the time it was learned, and answers "as of valid T, known at R" as the accepted
/// observation learned by R with the latest valid time at or before T.
@Suite("As-of queries against a model")
struct AsOfModelTests {
    struct Accepted {
        var validFrom: Int64
        var recordedAt: Int64
        var balance: String
    }

    @Test("hundreds of random instants on valid, recorded and both axes agree with the model", arguments: [1, 2, 3])
    func randomHistories(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let directory = try TemporaryDirectory()
        let base = Instant(year: 2026, month: 11, day: 1)
        let database = try LedgerDatabase.open(
            path: directory.file("asof.sqlite"), clock: SteppedClock(base), logger: Logger(label: "asof"))
        var model: [String: [Accepted]] = [:]
        var recordedTimes: [Int64] = []
        var validTimes: [Int64] = []
        let cny = try MoneyUnit("CNY")
        let balances = ["100", "250.5", "0", "-20.25", "999999.9999"]

        for step in 0..<240 {
            let recorded = base.adding(seconds: Int64(step) * 600)
            recordedTimes.append(recorded.millisecondsSinceEpoch)
            let balance = balances[Int(random.next() % UInt64(balances.count))]
            let observation: BalanceObservation
            let key: String
            if random.next() % 3 == 0 {
                // DMS: no gmtModified, valid from the observation time; only a content change is a new version.
                let org = Int64(random.next() % 3) + 1
                key = "dms:\(org)"
                observation = ReportFixture.dms(
                    org, "org", balance: balance, limit: "0", used: "0", frozen: "0", total: balance, available: "0",
                    at: recorded)
                if model[key]?.last?.balance != balance {
                    model[key, default: []].append(
                        Accepted(
                            validFrom: recorded.millisecondsSinceEpoch, recordedAt: recorded.millisecondsSinceEpoch,
                            balance: balance))
                }
            } else {
                // ModelRouter: gmtModified anywhere from 3 days before to 10 minutes after "now", on a coarse grid so
                // repeats (stale, same timestamp with other content) happen often.
                let client = Int64(random.next() % 4) + 1
                key = "mr:\(client)"
                let offsetMinutes = Int64(random.next() % 440) * 10 - 4320
                let modified = recorded.adding(seconds: offsetMinutes * 60)
                observation = ReportFixture.modelRouter(
                    client, "client", cny, balance, modified: modified, observed: recorded)
                let tooFarAhead = modified.millisecondsSinceEpoch > recorded.millisecondsSinceEpoch + 300_000
                let known = model[key, default: []].contains { $0.validFrom == modified.millisecondsSinceEpoch }
                if !tooFarAhead, !known {
                    model[key, default: []].append(
                        Accepted(
                            validFrom: modified.millisecondsSinceEpoch, recordedAt: recorded.millisecondsSinceEpoch,
                            balance: balance))
                }
            }
            validTimes.append(observation.validFrom.millisecondsSinceEpoch)
            let source = key.hasPrefix("dms") ? "dms" : "modelrouter"
            let kind: SourceKind = key.hasPrefix("dms") ? .dmsCredit : .modelRouter
            _ = try await database.transaction(at: recorded) { tx in
                try tx.record(
                    observation, raw: ReportFixture.raw("step", at: recorded),
                    sourceID: try tx.sourceID(name: source, kind: kind),
                    runID: nil)
            }
        }

        func expected(_ key: String, valid: Int64?, recorded: Int64?) -> String? {
            let visible = (model[key] ?? []).filter { recorded == nil || $0.recordedAt <= recorded! }
            return visible.filter { valid == nil || $0.validFrom <= valid! }.max { $0.validFrom < $1.validFrom }
                .map { FixedDecimal($0.balance)!.description }
        }

        let reader = LedgerReader(database)
        func pick(_ values: [Int64]) -> Int64 {
            let value = values[Int(random.next() % UInt64(values.count))]
            return value + Int64(random.next() % 3) - 1
        }
        var checked = 0
        for _ in 0..<300 {
            let valid = pick(validTimes)
            let recorded = pick(recordedTimes)
            for asOf in [
                AsOf(valid: Instant(millisecondsSinceEpoch: valid)),
                AsOf(recorded: Instant(millisecondsSinceEpoch: recorded)),
                AsOf(
                    valid: Instant(millisecondsSinceEpoch: valid), recorded: Instant(millisecondsSinceEpoch: recorded)),
            ] {
                let rows = try reader.balances(asOf: asOf, page: .all).rows
                var actual: [String: String] = [:]
                for row in rows {
                    let prefix = row.account.kind == .dmsCredit ? "dms:" : "mr:"
                    let id = row.account.key.split(separator: ":").first!
                    actual[prefix + id] = row.availableBalance?.description
                }
                for key in model.keys.sorted() {
                    let want = expected(
                        key, valid: asOf.valid?.millisecondsSinceEpoch, recorded: asOf.recorded?.millisecondsSinceEpoch)
                    #expect(
                        actual[key] == want,
                        "\(key) as of valid \(String(describing: asOf.valid)) recorded \(String(describing: asOf.recorded))"
                    )
                    checked += 1
                }
            }
        }
        #expect(checked >= 900 * 4)
        // The histories exercised the hard cases: splices and kept-stored conflicts.
        let conflicts = try reader.conflicts(page: .all).rows
        #expect(conflicts.contains { $0.kind == .lateArrival })
        #expect(conflicts.contains { $0.kind == .sameTimestampDifferentContent })
        try database.close()
    }
}
