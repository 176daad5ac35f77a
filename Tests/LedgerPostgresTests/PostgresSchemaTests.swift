import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// The rules PostgreSQL itself enforces on the schema of `Migrations/PostgreSQL/`: the exclusion constraint on
/// overlapping versions, the append-only hash chain, exact amounts, and the readable views' figures.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresSchemaTests {
    let logger = Logger(label: "ledgersync.tests.postgres")
    let hash = String(repeating: "c", count: 64)

    /// A migrated database with one source and one account (id 1).
    func withAccount(_ body: (PostgresTestDatabase) async throws -> Void) async throws {
        try await PostgresTestDatabase.with { database in
            try await PostgresLedger.open(location: database.location, logger: logger).close()
            try await database.execute(
                "INSERT INTO source_instance (id, name, kind, created_at) VALUES (1, 'mr', 'modelrouter', 0)")
            try await database.execute(
                """
                INSERT INTO account (id, source_id, kind, mr_client_id, first_seen_at, last_seen_at)
                VALUES (1, 1, 'modelrouter', 17, 0, 0)
                """)
            try await body(database)
        }
    }

    func version(from: Int64, to: Int64?, superseded: Int64? = nil, whole: Int64 = 5, nanos: Int32 = 0) -> String {
        """
        INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, superseded_at, unit,
            available_balance_whole, available_balance_nanos, content_hash, observed_at)
        VALUES (1, \(from), \(to.map(String.init) ?? "NULL"), 0, \(superseded.map(String.init) ?? "NULL"), 'CNY',
            \(whole), \(nanos), '\(hash)', 0)
        """
    }

    @Test func liveVersionsOfOneAccountNeverOverlapInValidTime() async throws {
        try await withAccount { database in
            try await database.execute(version(from: 1000, to: 2000))
            // Adjacent ranges meet without overlapping: [1000, 2000) then [2000, ∞).
            try await database.execute(version(from: 2000, to: nil))
            await #expect {
                try await database.execute(version(from: 1500, to: 1800))
            } throws: { error in
                String(reflecting: error).contains("balance_version_no_overlap")
            }
            // An open-ended version over the current one is refused too.
            await #expect {
                try await database.execute(version(from: 2500, to: nil))
            } throws: { error in
                String(reflecting: error).contains("balance_version_no_overlap")
            }
            // A superseded version is history of the recorded time: it may overlap live ones.
            try await database.execute(version(from: 1500, to: 1800, superseded: 10))
            // An update that makes two live versions overlap is refused as well.
            await #expect {
                try await database.execute("UPDATE balance_version SET valid_to = 2600 WHERE valid_from = 1000")
            } throws: { error in
                String(reflecting: error).contains("balance_version_no_overlap")
            }
            #expect(try await database.strings("SELECT count(*)::text FROM balance_version") == ["3"])
        }
    }

    @Test func amountsAreExactPairsOfOneSign() async throws {
        try await withAccount { database in
            try await database.execute(version(from: 1, to: 2, whole: -3, nanos: -500_000_000))
            for (whole, nanos) in [(Int64(1), Int32(-1)), (-1, 1), (0, 1_000_000_000)] {
                await #expect(
                    "whole \(whole), nanos \(nanos)",
                    performing: { try await database.execute(version(from: 10, to: 20, whole: whole, nanos: nanos)) },
                    throws: { error in String(reflecting: error).contains("balance_version_check") })
            }
        }
    }

    @Test func theHashChainIsAppendOnly() async throws {
        try await withAccount { database in
            try await database.execute(
                """
                INSERT INTO fact_chain (position, fact, source_id, account_key, at, fact_sha256, chain_hash)
                VALUES (1, 'gone', 1, '17', 0, '\(hash)', '\(hash)')
                """)
            for statement in [
                "UPDATE fact_chain SET at = 1", "DELETE FROM fact_chain", "TRUNCATE fact_chain",
            ] {
                await #expect(
                    "\(statement)", performing: { try await database.execute(statement) },
                    throws: { error in String(reflecting: error).contains("fact_chain is append-only") })
            }
            #expect(try await database.strings("SELECT count(*)::text FROM fact_chain") == ["1"])
        }
    }

    @Test func theReadableViewsShowExactAmountsAtTheUnitsScaleAndTimestamps() async throws {
        try await withAccount { database in
            try await database.execute("INSERT INTO unit_scale (unit, scale) VALUES ('CNY', 6)")
            // 1,234.5678901 CNY at scale 6 reads 1234.567890: cut, never rounded, never through a float.
            try await database.execute(version(from: 1_764_547_200_123, to: nil, whole: 1234, nanos: 567_890_123))
            let row = try await database.strings(
                """
                SELECT account || ' ' || available_balance::text || ' ' || unit || ' '
                    || to_char(valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                FROM current_balances
                """)
            #expect(row == ["17 1234.567890 CNY 2025-12-01T00:00:00.123Z"])
        }
    }
}
