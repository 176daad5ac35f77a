import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Write path: versions and conflicts")
struct WritePathTests {
    static let cny = try! MoneyUnit("CNY")
    static let t0 = Instant(year: 2026, month: 3, day: 1)

    static func modelRouter(_ balance: String, modifiedHours: Int64, client: Int64 = 17) -> BalanceObservation {
        let modified = t0.adding(seconds: modifiedHours * 3600)
        return BalanceObservation(
            account: .modelRouter(clientID: client), sourceModifiedAt: modified, observedAt: modified,
            figures: BalanceFigures(unit: cny, availableBalance: try! FixedDecimal(parsing: balance)),
            details: .modelRouter(
                ModelRouterBalanceDetails(
                    remoteID: 1, balanceType: "amount", enableBalance: true, gmtCreate: t0, gmtModified: modified)))
    }

    static func raw(_ text: String = "{}") -> RawResponseRecord {
        RawResponseRecord(
            method: "GET", url: "http://x/balance", action: nil, httpStatus: 200, dateHeaderAt: nil,
            receivedAt: t0, requestID: "R", body: Array(text.utf8))
    }

    /// A ledger with one ModelRouter source, its id, and the clock the transactions use.
    static func ledger(_ directory: TemporaryDirectory) throws -> (LedgerDatabase, Int64, SteppedClock) {
        let clock = SteppedClock(t0.adding(seconds: 1000 * 3600))
        let database = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), clock: clock, logger: testLogger)
        let source = try database.transaction { tx in try tx.sourceID(name: "mr", kind: .modelRouter) }
        return (database, source, clock)
    }

    static func record(
        _ database: LedgerDatabase, _ source: Int64, _ observation: BalanceObservation
    )
        throws -> ObservationResult
    {
        try database.transaction { tx in try tx.record(observation, raw: raw(), sourceID: source, runID: nil) }
    }

    /// Live history of an account: (valid_from, valid_to, content_hash, state), in valid-time order.
    static func live(_ database: LedgerDatabase, client: Int64 = 17) throws -> [(Int64, Int64?, String, String)] {
        try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.valid_from, v.valid_to, v.content_hash, v.state FROM balance_version v
                    JOIN account a ON a.id = v.account_id
                    WHERE a.mr_client_id = ? AND v.superseded_at IS NULL ORDER BY v.valid_from
                    """, arguments: [client]
            ).map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }

    static func count(_ database: LedgerDatabase, _ table: String) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")! }
    }

    @Test("Idempotent: unchanged data adds nothing; A→B→A gives three contiguous versions")
    func idempotent() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try Self.ledger(directory)
        defer { try? database.close() }
        guard case .added = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1)) else {
            Issue.record("first observation not added")
            return
        }
        #expect(try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1)) == .unchanged)
        #expect(try Self.count(database, "raw_response") == 1)
        _ = try Self.record(database, source, Self.modelRouter("80.00", modifiedHours: 2))
        _ = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 3))
        #expect(try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 3)) == .unchanged)
        let history = try Self.live(database)
        let hour: Int64 = 3_600_000
        let start = Self.t0.millisecondsSinceEpoch
        #expect(history.map(\.0) == [start + hour, start + 2 * hour, start + 3 * hour])
        #expect(history.map(\.1) == [start + 2 * hour, start + 3 * hour, nil])
        #expect(try Self.count(database, "balance_version") == 3)
        #expect(try Self.count(database, "conflict") == 0)
        #expect(try Self.count(database, "raw_response") == 3)
    }

    @Test("A late arrival is spliced into history, and the old belief stays answerable on recorded time")
    func lateArrival() throws {
        let directory = try TemporaryDirectory()
        let (database, source, clock) = try Self.ledger(directory)
        defer { try? database.close() }
        _ = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1))
        _ = try Self.record(database, source, Self.modelRouter("60.00", modifiedHours: 3))
        let beforeSplice = clock.now()
        clock.advance(seconds: 60)
        #expect(
            try Self.record(database, source, Self.modelRouter("80.00", modifiedHours: 2))
                == .conflict(.lateArrival, recorded: true))
        let history = try Self.live(database)
        let hour: Int64 = 3_600_000
        let start = Self.t0.millisecondsSinceEpoch
        #expect(history.map(\.0) == [start + hour, start + 2 * hour, start + 3 * hour])
        #expect(history.map(\.1) == [start + 2 * hour, start + 3 * hour, nil])
        // What the store believed about hour 2.5 before the splice: 100.00; after: 80.00.
        let asOf = start + 5 * hour / 2
        let believed = try database.writer.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT available_balance_whole FROM balance_version
                    WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)
                      AND recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)
                    ORDER BY recorded_at
                    """,
                arguments: [asOf, asOf, beforeSplice.millisecondsSinceEpoch, beforeSplice.millisecondsSinceEpoch])
        }
        #expect(believed == [100])
        let conflict = try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conflict")!
        }
        #expect(conflict["kind"] as String == "late_arrival")
        #expect(conflict["resolution"] as String == "spliced")
        #expect((conflict["stored_content"] as String).contains("60.0000"))
        #expect((conflict["incoming_content"] as String).contains("80.0000"))
        #expect(conflict["incoming_raw_response_id"] as Int64? != nil)
    }

    @Test("A stale value is ignored and recorded once; the same time with other content keeps the stored one")
    func staleAndSameTimestamp() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try Self.ledger(directory)
        defer { try? database.close() }
        _ = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1))
        _ = try Self.record(database, source, Self.modelRouter("90.00", modifiedHours: 2))
        #expect(
            try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1))
                == .conflict(.stale, recorded: true))
        #expect(
            try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1))
                == .conflict(.stale, recorded: false))
        #expect(
            try Self.record(database, source, Self.modelRouter("91.00", modifiedHours: 2))
                == .conflict(.sameTimestampDifferentContent, recorded: true))
        let history = try Self.live(database)
        #expect(history.count == 2)
        #expect(history.last?.2 == Self.modelRouter("90.00", modifiedHours: 2).contentHash)
        let flagged = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_version WHERE flagged = 1")!
        }
        #expect(flagged == 1)
        #expect(try Self.count(database, "conflict") == 2)
    }

    @Test("Without gmtModified, a change seen in the same second is a new version, not a conflict")
    func noSourceTimestamp() throws {
        let directory = try TemporaryDirectory()
        let (database, _, _) = try Self.ledger(directory)
        defer { try? database.close() }
        let source = try database.transaction { tx in try tx.sourceID(name: "dms", kind: .dmsCredit) }
        func dms(_ balance: String) -> BalanceObservation {
            BalanceObservation(
                account: .dmsCredit(orgID: 101, orgType: 2), sourceModifiedAt: nil, observedAt: Self.t0,
                figures: BalanceFigures(unit: Self.cny, availableBalance: try! FixedDecimal(parsing: balance)),
                details: .dmsCredit(
                    DMSCreditDetails(
                        availableAmount: nil, totalUsedLimit: nil, isUnlimitedCredit: false, isExpired: false,
                        settingCredit: nil, creditMode: nil, accountDays: nil, accountDaysText: nil, creditEndTime: nil,
                        orgType: 2, isCheckedName: nil)))
        }
        for balance in ["1.00", "2.00", "2.00", "1.00"] {
            let observation = dms(balance)
            _ = try database.transaction { tx in
                try tx.record(observation, raw: Self.raw(), sourceID: source, runID: nil)
            }
        }
        let starts = try database.writer.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT valid_from FROM balance_version WHERE superseded_at IS NULL ORDER BY valid_from")
        }
        let t = Self.t0.millisecondsSinceEpoch
        #expect(starts == [t, t + 1, t + 2])
        #expect(try Self.count(database, "conflict") == 0)
    }

    @Test("A gmtModified beyond the allowed skew is not stored")
    func clockSkew() throws {
        let directory = try TemporaryDirectory()
        let (database, source, clock) = try Self.ledger(directory)
        defer { try? database.close() }
        let future = Self.modelRouter("5.00", modifiedHours: 1000 + 2)  // two hours after the clock
        #expect(try Self.record(database, source, future) == .conflict(.clockSkew, recorded: true))
        #expect(try Self.count(database, "balance_version") == 0)
        clock.advance(seconds: 3 * 3600)
        guard case .added = try Self.record(database, source, future) else {
            Issue.record("plausible now, it should be stored")
            return
        }
    }

    @Test("Gone is a version, never a delete; coming back is another")
    func goneAndBack() throws {
        let directory = try TemporaryDirectory()
        let (database, source, clock) = try Self.ledger(directory)
        defer { try? database.close() }
        _ = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1))
        #expect(
            try database.transaction { tx in
                try tx.markGone(sourceID: source, account: .modelRouter(clientID: 17), runID: nil)
            })
        #expect(
            try !database.transaction { tx in
                try tx.markGone(sourceID: source, account: .modelRouter(clientID: 17), runID: nil)
            })
        clock.advance(seconds: 3600)
        // Back with the very value and gmtModified it had before it went.
        guard case .added = try Self.record(database, source, Self.modelRouter("100.00", modifiedHours: 1)) else {
            Issue.record("a returning account gets a new version")
            return
        }
        #expect(try Self.live(database).map(\.3) == ["present", "gone", "present"])
    }

    @Test("A quarantined payload keeps its bytes and reason, and derives nothing")
    func quarantine() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try Self.ledger(directory)
        defer { try? database.close() }
        try database.transaction { tx in
            try tx.recordQuarantine(
                sourceID: source, runID: nil, account: .modelRouter(clientID: 17), target: "client 17",
                reason: "data.balance: expected an amount, found a boolean", raw: Self.raw(#"{"balance":true}"#))
        }
        let row = try database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT q.reason, r.body FROM quarantine q JOIN raw_response r ON r.id = q.raw_response_id")!
        }
        #expect(row["reason"] as String == "data.balance: expected an amount, found a boolean")
        #expect(row["body"] as Data == Data(#"{"balance":true}"#.utf8))
        #expect(try Self.count(database, "balance_version") == 0)
    }

    @Test("Random arrival orders keep live history contiguous and equal to an independent model")
    func randomOrders() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let directory = try TemporaryDirectory()
            let (database, source, clock) = try Self.ledger(directory)
            // The model: the first content seen for each gmtModified wins.
            var model: [Int64: String] = [:]
            for _ in 0..<40 {
                let hour = Int64.random(in: 1...15, using: &generator)
                let balance = ["10.00", "20.00", "30.00"].randomElement(using: &generator)!
                let observation = Self.modelRouter(balance, modifiedHours: hour)
                _ = try Self.record(database, source, observation)
                if model[hour] == nil { model[hour] = observation.contentHash }
                clock.advance(seconds: 1)
            }
            let history = try Self.live(database)
            let expectedStarts = model.keys.sorted().map { Self.t0.millisecondsSinceEpoch + $0 * 3_600_000 }
            #expect(history.map(\.0) == expectedStarts, "round \(round)")
            #expect(history.map(\.2) == model.keys.sorted().map { model[$0]! }, "round \(round)")
            for (current, next) in zip(history, history.dropFirst()) {
                #expect(current.1 == next.0, "round \(round): intervals must be contiguous")
            }
            #expect(history.last?.1 == nil)
            try database.close()
            let check = try checkIntegrity(path: directory.file("ledger.sqlite"))
            #expect(check.integrity == ["ok"])
            #expect(check.foreignKeyViolations == 0)
        }
    }
}
