import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// Every released PostgreSQL schema upgrades to this build's, its rows and hash chain intact; and the change stamp
/// that 0002 adds moves with every committed write, whoever writes.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresUpgradeTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    /// The rows an upgrade must keep, as text.
    static let rows = """
        SELECT concat_ws('|', 'version', v.id, a.account_key, a.display_name, v.valid_from, v.valid_to, v.unit,
            v.available_balance_whole, v.available_balance_nanos, v.raw_response_id) FROM balance_version v
            JOIN account a ON a.id = v.account_id
        UNION ALL SELECT concat_ws('|', 'raw', id, source_id, url, encode(sha256(body), 'hex')) FROM raw_response
        UNION ALL SELECT concat_ws('|', 'alert', id, rule, state, message) FROM alert_state
        UNION ALL SELECT concat_ws('|', 'run', id, status, host, pid) FROM sync_run
        ORDER BY 1
        """

    /// Loads a fixture (a pg_dump with its psql meta-commands taken out) into the test's database.
    static func load(_ name: String, into database: PostgresTestDatabase) async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "sql"))
        let dump = try String(contentsOf: url, encoding: .utf8)
        #expect(!dump.contains("$fixture$"))
        try await database.execute("DO $load$ BEGIN EXECUTE $fixture$\(dump)$fixture$; END $load$")
    }

    @Test(arguments: ["schema-0001"])
    func aReleasedSchemaUpgradesWithItsRowsAndChainIntact(fixture: String) async throws {
        try await PostgresTestDatabase.with { database in
            try await Self.load(fixture, into: database)
            let before = try await database.strings(Self.rows)
            #expect(before.count == 8)  // 3 versions, 3 raw responses, 1 alert, 1 run
            let released = try await database.strings("SELECT id FROM schema_migration ORDER BY id")
            let head = try await database.strings(
                "SELECT position || ' ' || chain_hash FROM fact_chain ORDER BY position DESC LIMIT 1")

            let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
            #expect(ledger.applied == Migration.postgreSQL.map(\.id).filter { !released.contains($0) })
            #expect(!ledger.applied.isEmpty)
            #expect(try await database.strings(Self.rows) == before)
            let upgradedHead = try await ledger.chainHead()
            #expect(["\(upgradedHead.position) \(upgradedHead.hash)"] == head)
            let status = try await PostgresLedger.migrationStatus(location: database.location, logger: logger)
            #expect(status.allSatisfy { $0.state == .applied })
            // The upgraded ledger takes new facts after the old ones.
            let next = try await ledger.transaction { tx in
                _ = try await tx.insertRaw(
                    RawResponseRecord(
                        method: "GET", url: "https://api.example.test/after-upgrade", action: nil, httpStatus: 200,
                        dateHeaderAt: nil, receivedAt: Instant(millisecondsSinceEpoch: 1_764_720_000_000),
                        requestID: nil, body: Array("{}".utf8)),
                    sourceID: 1, runID: nil)
                return try await tx.chainHead()
            }
            #expect(next.position == upgradedHead.position + 1)
            await ledger.close()
        }
    }

    @Test func theChangeStampMovesWithEveryCommitByAnyInstanceAndNotWithARollback() async throws {
        try await PostgresTestDatabase.with { database in
            let one = try await PostgresLedger.open(location: database.location, logger: logger)
            let other = try await PostgresLedger.open(location: database.location, logger: logger)
            let start = try await other.changeStamp()
            _ = try await one.transaction { tx in try await tx.beginRun(mode: .online, host: "a", pid: 1) }
            let afterOne = try await other.changeStamp()
            #expect(afterOne == start + 1)
            struct Abandon: Error {}
            await #expect(throws: StoreError.self) {
                try await one.transaction { tx in
                    _ = try await tx.beginRun(mode: .online, host: "a", pid: 2)
                    throw Abandon()
                }
            }
            #expect(try await other.changeStamp() == afterOne)
            _ = try await other.transaction { tx in try await tx.beginRun(mode: .online, host: "b", pid: 3) }
            #expect(try await one.changeStamp() == afterOne + 1)
            await one.close()
            await other.close()
        }
    }
}
