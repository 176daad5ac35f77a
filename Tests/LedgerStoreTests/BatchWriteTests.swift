import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerTestSupport
import Testing

import LedgerStore

@Suite("Write path: a batch at a time")
struct BatchWriteTests {
    typealias W = WritePathTests

    /// A random observation of one of a few accounts, with few values so that repeats, changes back, older and
    /// future gmtModified, renames, parents that appear late and accounts twice in a batch all happen.
    static func observation(_ random: inout SplitMix64, kind: SourceKind, now: Instant) -> BalanceObservation {
        let balance = try! FixedDecimal(
            parsing: ["1", "1", "1", "1", "1", "2", "3.5", "-0.25"][random.next(in: 0...7)])
        let name = [nil, "first", "second \"quoted\""][random.next(in: 0...2)]
        switch kind {
        case .modelRouter:
            // A few accounts seen again and again, and now and then one new to the ledger.
            let client = Int64(random.next(in: 0...5) == 0 ? random.next(in: 100...400) : random.next(in: 1...6))
            // Mostly around now; sometimes much older (a late arrival or stale) or past the skew limit.
            let hours = [-500, -2, -1, 0, 0, 0, 0, 0, 0, 0, 1, 1][random.next(in: 0...11)]
            let modified = W.t0.adding(seconds: Int64(hours) * 3600 + 1000 * 3600)
            return BalanceObservation(
                account: .modelRouter(clientID: client), displayName: name, sourceModifiedAt: modified,
                observedAt: now,
                figures: BalanceFigures(unit: W.cny, availableBalance: balance),
                details: .modelRouter(
                    ModelRouterBalanceDetails(
                        remoteID: client, balanceType: "amount", enableBalance: true, gmtCreate: W.t0,
                        gmtModified: modified)))
        default:
            let wallet = random.next(in: 0...7)
            let mother = wallet < 2
            // Children name their project's mother (which may not be known yet), or nothing.
            let parent: AccountKey? =
                mother || random.next(in: 0...3) == 0
                ? nil : .twccWallet(projectCode: "P\(wallet % 2)", walletCode: "M")
            let fresh = !mother && random.next(in: 0...5) == 0
            let key: AccountKey = .twccWallet(
                projectCode: "P\(wallet % 2)",
                walletCode: mother ? "M" : fresh ? "N\(random.next(in: 0...300))" : "W\(wallet)")
            let zero = FixedDecimal.zero
            return BalanceObservation(
                account: key, displayName: name, parent: parent, sourceModifiedAt: nil, observedAt: now,
                figures: BalanceFigures(unit: .serviceUnits, availableBalance: balance),
                details: .twccWallet(
                    TWCCWalletDetails(
                        projectName: "P", walletName: name, walletID: "w\(wallet)",
                        walletType: mother ? "mother" : "child",
                        isMother: mother, ownerAccount: "u", ownerName: "n", originalQuota: zero,
                        projectCreditQuota: zero, projectPocQuota: zero, projectSUQuota: balance,
                        projectObtainedSU: zero)
                ))
        }
    }

    /// Every row of every table, in row order: two ledgers that did the same thing are equal here.
    static func dump(_ database: LedgerDatabase) throws -> [String: [[DatabaseValue]]] {
        try database.writer.read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                        AND name NOT IN ('grdb_migrations', 'schema_migration')
                    """)
            var dump: [String: [[DatabaseValue]]] = [:]
            for table in tables {
                dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1, 2").map {
                    Array($0.databaseValues)
                }
            }
            return dump
        }
    }

    @Test(
        "Batches give the results and the rows of recording one by one, in one transaction or one per fact",
        arguments: [(1, false), (2, true), (3, false), (4, true)])
    func sameAsOneByOne(seed: UInt64, ownTimes: Bool) async throws {
        let directory = try TemporaryDirectory()
        let clock = SteppedClock(W.t0.adding(seconds: 1000 * 3600))
        let one = try LedgerDatabase.open(path: directory.file("one.sqlite"), clock: clock, logger: testLogger)
        let batched = try LedgerDatabase.open(path: directory.file("batch.sqlite"), clock: clock, logger: testLogger)
        defer {
            try? one.close()
            try? batched.close()
        }
        var sources: [(SourceKind, Int64)] = []
        for (name, kind) in [("mr", SourceKind.modelRouter), ("twcc", .twccWallet)] {
            let id = try await one.transaction { tx in try tx.sourceID(name: name, kind: kind) }
            #expect(try await batched.transaction { tx in try tx.sourceID(name: name, kind: kind) } == id)
            sources.append((kind, id))
        }
        var random = SplitMix64(seed: seed)
        var unchanged = 0
        var added = 0
        // Replayed facts have their own times, which never go back (a recorded time orders beliefs).
        var lastAt = clock.now()
        for round in 0..<150 {
            // Sometimes no time passes between batches: changes within the same second.
            clock.advance(seconds: Int64([0, 1, 3600][random.next(in: 0...2)]))
            let (kind, source) = sources[round % 2]
            let now = clock.now()
            var items: [PendingObservation] = []
            for _ in 0..<random.next(in: 1...6) {
                var at: Instant? = nil
                if ownTimes {
                    lastAt = max(now, lastAt.adding(milliseconds: Int64(random.next(in: 0...1))))
                    at = lastAt
                }
                let observation = Self.observation(&random, kind: kind, now: at ?? now)
                items.append(
                    PendingObservation(
                        observation, raw: W.raw(observation.contentJSON), contentHash: nil, at: at))
            }
            let expected: [ObservationResult]
            if ownTimes {
                var results: [ObservationResult] = []
                for item in items {
                    let tx = item
                    results.append(
                        try await one.transaction(at: item.at!) { t in
                            try t.record(
                                tx.observation, raw: W.raw(tx.observation.contentJSON), sourceID: source, runID: nil)
                        })
                }
                expected = results
            } else {
                let batch = items
                expected = try await one.transaction { tx in
                    try batch.map {
                        try tx.record(
                            $0.observation, raw: W.raw($0.observation.contentJSON), sourceID: source, runID: nil)
                    }
                }
            }
            let batch = items
            let results = try await batched.transaction { tx in
                try tx.record(batch: batch, sourceID: source, runID: nil)
            }
            #expect(results == expected, "round \(round)")
            let keys = items.map(\.observation.account)
            let once = zip(keys, results).filter { key, _ in keys.filter { $0 == key }.count == 1 }.map(\.1)
            unchanged += once.filter { $0 == .unchanged }.count
            added += once.filter { if case .added = $0 { true } else { false } }.count
            if random.next(in: 0...9) == 0 {
                let account = items[0].observation.account
                let gone = try await one.transaction { tx in
                    try tx.markGone(sourceID: source, account: account, runID: nil)
                }
                #expect(
                    try await batched.transaction { tx in
                        try tx.markGone(sourceID: source, account: account, runID: nil)
                    }
                        == gone)
            }
        }
        // The batch's own paths (an account once in its batch: unchanged, new or changed), not only the one-by-one
        // one, were taken.
        #expect(unchanged > 20)
        #expect(added > 50)
        let expectedRows = try Self.dump(one)
        let rows = try Self.dump(batched)
        #expect(rows.keys.sorted() == expectedRows.keys.sorted())
        for table in expectedRows.keys.sorted() {
            #expect(rows[table] == expectedRows[table], "table \(table)")
        }
        #expect(try batched.normalizedDigest() == one.normalizedDigest())
    }

    /// A DMS observation of org `org` whose balance and details vary with `value`, and whose amounts widen the unit's
    /// scale now and then.
    static func dms(org: Int64, value: Int, now: Instant) -> BalanceObservation {
        let balance = FixedDecimal(units: Int64(value) * 1_000_001 - 500, scale: value % 7 == 0 ? 6 : 2)
        return BalanceObservation(
            account: .dmsCredit(orgID: org, orgType: 2), displayName: value % 3 == 0 ? nil : "org \(org)/\(value)",
            sourceModifiedAt: nil, observedAt: now,
            figures: BalanceFigures(unit: W.cny, availableBalance: balance, creditLimit: .zero),
            details: .dmsCredit(
                DMSCreditDetails(
                    availableAmount: value % 2 == 0 ? balance : nil, totalUsedLimit: .zero,
                    isUnlimitedCredit: value % 5 == 0, isExpired: false, settingCredit: "1", creditMode: nil,
                    accountDays: value, accountDaysText: "\(value) 天", creditEndTime: nil, orgType: 2,
                    isCheckedName: "已认证")))
    }

    @Test("Batches of hundreds write many rows to a statement and still give the rows of recording one by one")
    func largeBatches() async throws {
        let directory = try TemporaryDirectory()
        let clock = SteppedClock(W.t0)
        let one = try LedgerDatabase.open(path: directory.file("one.sqlite"), clock: clock, logger: testLogger)
        let batched = try LedgerDatabase.open(path: directory.file("batch.sqlite"), clock: clock, logger: testLogger)
        defer {
            try? one.close()
            try? batched.close()
        }
        let source = try await one.transaction { tx in try tx.sourceID(name: "dms", kind: .dmsCredit) }
        _ = try await batched.transaction { tx in try tx.sourceID(name: "dms", kind: .dmsCredit) }
        var random = SplitMix64(seed: 11)
        var values: [Int64: Int] = [:]
        var added = 0
        for round in 0..<4 {
            clock.advance(seconds: round == 2 ? 0 : 3600)
            // Hundreds of orgs a batch, new ones among them each round; some change, some twice in the batch.
            var items: [PendingObservation] = []
            for position in 0..<(round == 0 ? 600 : 700) {
                let org = Int64(position < 600 ? position : 600 + round * 100 + position % 100)
                if random.next(in: 0...2) == 0 || values[org] == nil { values[org, default: 0] += 1 }
                let observation = Self.dms(org: org, value: values[org]!, now: clock.now())
                items.append(PendingObservation(observation, raw: W.raw(observation.contentJSON)))
                if random.next(in: 0...99) == 0 {
                    values[org, default: 0] += 1
                    let again = Self.dms(org: org, value: values[org]!, now: clock.now())
                    items.append(PendingObservation(again, raw: W.raw(again.contentJSON)))
                }
            }
            let batch = items
            let expected = try await one.transaction { tx in
                try batch.map {
                    try tx.record($0.observation, raw: W.raw($0.observation.contentJSON), sourceID: source, runID: nil)
                }
            }
            let results = try await batched.transaction { tx in
                try tx.record(batch: batch, sourceID: source, runID: nil)
            }
            #expect(results == expected, "round \(round)")
            added += results.filter { if case .added = $0 { true } else { false } }.count
        }
        // New accounts and changes were most of it, in runs long enough for statements of many rows.
        #expect(added > 1_500)
        let expectedRows = try Self.dump(one)
        let rows = try Self.dump(batched)
        for table in expectedRows.keys.sorted() {
            #expect(rows[table] == expectedRows[table], "table \(table)")
        }
        #expect(try batched.normalizedDigest() == one.normalizedDigest())
    }
}
