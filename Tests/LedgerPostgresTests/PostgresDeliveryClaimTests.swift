import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// Webhook messages in a ledger that several `serve` instances deliver from: each due message is claimed by one.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresDeliveryClaimTests {
    let logger = Logger(label: "ledgersync.tests.postgres")
    let now = Instant(millisecondsSinceEpoch: 1_764_547_200_000)

    /// Two firing alerts owing six webhooks a message each (12, due by `now`), and one message not yet due.
    func owe(_ database: PostgresTestDatabase) async throws {
        try await database.execute(
            """
            INSERT INTO alert_state (id, rule, kind, subject, source, account_key, state, firing_since, message)
            VALUES (1, 'mr-low', 'balance_below', 'mr/17', 'mr', '17', 'firing', 0, 'mr/17 is below 10 CNY'),
                   (2, 'stale', 'stale', 'twcc', 'twcc', NULL, 'firing', 0, 'twcc has not synced for 2 hours')
            """)
        try await database.execute(
            """
            INSERT INTO alert_delivery (alert_id, event, webhook, status, next_attempt_at)
            SELECT alert, 'firing', 'https://hooks.example.test/' || hook, 'pending', \(now.millisecondsSinceEpoch) - hook
            FROM generate_series(1, 2) AS alert, generate_series(1, 6) AS hook
            """)
        try await database.execute(
            """
            INSERT INTO alert_delivery (alert_id, event, webhook, status, next_attempt_at)
            VALUES (1, 'resolved', 'https://hooks.example.test/later', 'pending', \(now.millisecondsSinceEpoch + 60_000))
            """)
    }

    @Test func instancesClaimingAtOnceGetDisjointMessagesAndAClaimLastsItsLease() async throws {
        try await PostgresTestDatabase.with { database in
            try await PostgresLedger.open(location: database.location, logger: logger).close()
            try await owe(database)
            var instances: [PostgresLedger] = []
            for _ in 0..<3 {
                instances.append(try await PostgresLedger.open(location: database.location, logger: logger))
            }
            let now = self.now
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for instance in instances {
                    group.addTask {
                        try await instance.claimDueDeliveries(now: now, lease: .seconds(300), limit: 5).map(\.id)
                    }
                }
                var all: [[Int64]] = []
                for try await claim in group { all.append(claim) }
                return all
            }
            let claimed = claims.flatMap { $0 }
            // Every due message once, none twice, the one not yet due left alone.
            #expect(claimed.count == 12)
            #expect(Set(claimed).count == 12)
            #expect(claims.allSatisfy { $0.count <= 5 })
            // Within the lease no instance finds them due; the later one falls due on its own time.
            #expect(try await instances[0].claimDueDeliveries(now: now, lease: .seconds(300)).isEmpty)
            let later = try await instances[1].claimDueDeliveries(
                now: Instant(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 60_000), lease: .seconds(300))
            #expect(later.map(\.event) == ["resolved"])
            #expect(later.first?.alert.message == "mr/17 is below 10 CNY")
            #expect(later.first?.alert.kind == .balanceBelow)
            // An instance that died holding a claim: after the lease, the messages are due again (at least once).
            let afterLease = try await instances[2].claimDueDeliveries(
                now: Instant(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 300_001), lease: .seconds(300),
                limit: 100)
            #expect(Set(afterLease.map(\.id)) == Set(claimed))
            for instance in instances { await instance.close() }
        }
    }
}
