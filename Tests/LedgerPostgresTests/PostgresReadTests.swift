import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import PostgresNIO
import Testing

/// Reads of a PostgreSQL ledger: one snapshot per answer, and no write through a read.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresReadTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    func count(_ connection: PostgresConnection) async throws -> Int64 {
        for try await (value) in try await connection.query(
            "SELECT count(*) FROM sync_run", logger: logger
        ).decode(Int64.self) {
            return value
        }
        return -1
    }

    @Test func everyStatementOfAReadSeesOneSnapshotWhileAnotherInstanceCommits() async throws {
        try await PostgresTestDatabase.with { database in
            let reader = try await PostgresLedger.open(location: database.location, logger: logger)
            let writer = try await PostgresLedger.open(location: database.location, logger: logger)
            let seen = try await reader.read { connection in
                let before = try await count(connection)
                // Another instance commits between two statements of the same answer.
                _ = try await writer.transaction { tx in try await tx.beginRun(mode: .online, host: "w", pid: 1) }
                let after = try await count(connection)
                return [before, after]
            }
            #expect(seen == [0, 0])
            #expect(try await reader.read { connection in try await count(connection) } == 1)
            await reader.close()
            await writer.close()
        }
    }

    @Test func aReadCannotWrite() async throws {
        try await PostgresTestDatabase.with { database in
            let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
            await #expect {
                try await ledger.read { connection in
                    try await connection.query(
                        "INSERT INTO unit_scale (unit, scale) VALUES ('CNY', 6)", logger: logger)
                }
            } throws: { error in
                "\(error)".contains("read-only transaction") && "\(error)".contains("25006")
            }
            #expect(try await database.strings("SELECT count(*)::text FROM unit_scale") == ["0"])
            await ledger.close()
        }
    }
}
