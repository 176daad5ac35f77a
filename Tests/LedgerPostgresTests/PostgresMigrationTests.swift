import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL store's migrations, on a real server: the same rules as the SQLite store's (checksums, a newer
/// schema refused and left untouched, each migration in a transaction) and an advisory lock around migrating.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresMigrationTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    @Test func createsTheSchemaOnceAndThenHasNothingToDo() async throws {
        try await PostgresTestDatabase.with { database in
            let first = try await PostgresLedger.open(location: database.location, logger: logger)
            #expect(first.applied == Migration.postgreSQL.map(\.id))
            await first.close()
            let second = try await PostgresLedger.open(location: database.location, logger: logger)
            #expect(second.applied.isEmpty)
            await second.close()

            let status = try await PostgresLedger.migrationStatus(location: database.location, logger: logger)
            #expect(status.map(\.id) == Migration.postgreSQL.map(\.id))
            #expect(status.allSatisfy { $0.state == .applied })
            #expect(status.map(\.recordedSHA256) == Migration.postgreSQL.map(\.sha256))
            let tables = try await database.strings(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            for table in ["account", "balance_version", "fact_chain", "raw_response", "schema_migration"] {
                #expect(tables.contains(table))
            }
            let views = try await database.strings(
                "SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY viewname")
            #expect(views == ["balance_history", "conflicts_readable", "current_balances", "movements_readable"])
        }
    }

    @Test func statusOfAnEmptyDatabaseListsEveryMigrationPendingAndChangesNothing() async throws {
        try await PostgresTestDatabase.with { database in
            let status = try await PostgresLedger.migrationStatus(location: database.location, logger: logger)
            #expect(status.map(\.id) == Migration.postgreSQL.map(\.id))
            #expect(status.allSatisfy { $0.state == .pending })
            #expect(try await database.strings("SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == [])
        }
    }

    @Test func processesStartingAtOnceMigrateOnceUnderTheAdvisoryLock() async throws {
        try await PostgresTestDatabase.with { database in
            // Six pools, six sessions: without the lock, several would find the schema empty and collide.
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
                        await ledger.close()
                        return ledger.applied
                    }
                }
                var all: [[String]] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(applied.filter { !$0.isEmpty } == [Migration.postgreSQL.map(\.id)])
            #expect(applied.filter(\.isEmpty).count == 5)
            #expect(
                try await database.strings("SELECT id FROM schema_migration ORDER BY id")
                    == Migration.postgreSQL.map(\.id))
        }
    }

    @Test func aNewerSchemaIsRefusedAndLeftUntouched() async throws {
        try await PostgresTestDatabase.with { database in
            try await PostgresLedger.open(location: database.location, logger: logger).close()
            try await database.execute(
                "INSERT INTO schema_migration (id, sha256, applied_at) VALUES ('9999_future', '\(String(repeating: "a", count: 64))', 0)"
            )
            let before = try await database.catalogDigest()
            await #expect {
                _ = try await PostgresLedger.open(location: database.location, logger: logger)
            } throws: { error in
                guard let error = error as? StoreError, case .newerSchema(let unknown) = error.code else {
                    return false
                }
                return unknown == ["9999_future"] && error.description.contains(database.name)
            }
            #expect(try await database.catalogDigest() == before)
            let status = try await PostgresLedger.migrationStatus(location: database.location, logger: logger)
            #expect(status.last?.id == "9999_future")
            #expect(status.last?.state == .unknown)
        }
    }

    @Test func anAlteredMigrationIsRefused() async throws {
        try await PostgresTestDatabase.with { database in
            try await PostgresLedger.open(location: database.location, logger: logger).close()
            try await database.execute(
                "UPDATE schema_migration SET sha256 = '\(String(repeating: "b", count: 64))' WHERE id = '0001_initial'")
            await #expect {
                _ = try await PostgresLedger.open(location: database.location, logger: logger)
            } throws: { error in
                guard let error = error as? StoreError, case .checksumMismatch(let id, _, _) = error.code else {
                    return false
                }
                return id == "0001_initial"
            }
            let status = try await PostgresLedger.migrationStatus(location: database.location, logger: logger)
            #expect(status.first?.state == .modified)
        }
    }

    @Test func aDatabaseOfAnotherApplicationIsRefusedAndLeftUntouched() async throws {
        try await PostgresTestDatabase.with { database in
            try await database.execute("CREATE TABLE invoices (id bigint PRIMARY KEY)")
            let before = try await database.catalogDigest()
            await #expect {
                _ = try await PostgresLedger.open(location: database.location, logger: logger)
            } throws: { error in
                "\(error)".contains("not a LedgerSync ledger")
            }
            #expect(try await database.catalogDigest() == before)
        }
    }

    @Test func aFailingMigrationLeavesNothingOfItself() async throws {
        try await PostgresTestDatabase.with { database in
            let broken = try Migration(
                id: "9999_broken",
                bytes: Array("CREATE TABLE half_done (id bigint);\nSELECT no_such_function();\n".utf8))
            await #expect {
                _ = try await PostgresLedger.open(
                    location: database.location, migrations: Migration.postgreSQL + [broken], logger: logger)
            } throws: { error in
                "\(error)".contains("no_such_function") && "\(error)".contains("PostgreSQL error on")
            }
            // The shipped ones committed, each in its own transaction; the broken one rolled back whole, its first
            // statement included.
            #expect(
                try await database.strings("SELECT id FROM schema_migration ORDER BY id")
                    == Migration.postgreSQL.map(\.id))
            #expect(try await database.strings("SELECT (to_regclass('half_done') IS NOT NULL)::text") == ["false"])
        }
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        // Port 1 on loopback: nothing listens there.
        let location = try PostgresLocation(url: "postgresql://ledger@127.0.0.1:1/books?sslmode=disable")
        await #expect {
            _ = try await PostgresLedger.open(location: location, logger: logger)
        } throws: { error in
            let text = "\(error)"
            return text.contains("postgresql://ledger@127.0.0.1:1/books") && text.contains("cannot be reached")
        }
    }
}

/// libpq's `sslmode`, against the test server (which has no TLS): `prefer` falls back to a plain connection,
/// `require` refuses one.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresTLSModeTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    func location(_ database: PostgresTestDatabase, sslmode: String) throws -> PostgresLocation {
        var components = try #require(URLComponents(string: database.url))
        components.queryItems = [URLQueryItem(name: "sslmode", value: sslmode)]
        return try PostgresLocation(url: try #require(components.string))
    }

    @Test func preferFallsBackToAPlainConnectionAndRequireRefusesOne() async throws {
        try await PostgresTestDatabase.with { database in
            let preferred = try await PostgresLedger.open(
                location: try location(database, sslmode: "prefer"), logger: logger)
            #expect(preferred.applied == Migration.postgreSQL.map(\.id))
            await preferred.close()
            await #expect {
                _ = try await PostgresLedger.open(location: try location(database, sslmode: "require"), logger: logger)
            } throws: { error in
                let text = "\(error)"
                return text.contains("PostgreSQL error on database postgresql://") && text.contains(database.name)
                    && text.contains("the server does not offer TLS")
            }
        }
    }
}
