import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Testing

/// `ledgersync migrate --store-url` and `--status`, the binary on a real server: the same output and exit codes as
/// for a SQLite file.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresMigrateCommandTests {
    @Test func migratesReportsStatusAndRefusesANewerSchemaWithExitThree() async throws {
        try await PostgresTestDatabase.with { database in
            let url = database.url
            let pending = try await CLI.run(["migrate", "--status", "--store-url", url])
            #expect(pending.status == 0)
            let ids = Migration.postgreSQL.map(\.id)
            #expect(Self.states(pending.stdout) == ids.map { "\($0) pending" })

            let first = try await CLI.run(["migrate", "--store-url", url])
            #expect(first.status == 0)
            #expect(first.stdout == "migrated \(database.location): applied \(ids.joined(separator: ", "))\n")
            let second = try await CLI.run(["migrate", "--store-url", url])
            #expect(second.stdout == "\(database.location) is up to date at schema \(ids.last ?? "")\n")

            let applied = try await CLI.run(["migrate", "--status", "--store-url", url])
            #expect(Self.states(applied.stdout) == ids.map { "\($0) applied" })
            #expect(applied.stdout.contains(Migration.postgreSQL[0].sha256))

            let verified = try await CLI.run(["verify", "--quick", "--store-url", url])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(
                verified.stdout
                    == "chain: 0 facts, head \(ChainHead.genesis.hash)\n"
                    + "\(database.location): verified: migrations, hash chain (quick)\n")
            let full = try await CLI.run(["verify", "--store-url", url])
            #expect(full.status == 2)
            #expect(full.stderr.contains("verifies with --quick"))

            // `query sql` runs in a read-only transaction: PostgreSQL itself refuses a write (exit 2).
            let count = try await CLI.run(
                ["query", "sql", "SELECT count(*) AS accounts FROM account", "--format", "csv", "--store-url", url])
            #expect(count.status == 0, "\(count.stderr)")
            #expect(count.stdout == "accounts\n0\n")
            let delete = try await CLI.run(["query", "sql", "DELETE FROM schema_migration", "--store-url", url])
            #expect(delete.status == 2)
            #expect(delete.stderr.contains("read-only transaction"))
            let migrations = try await database.strings("SELECT count(*)::text FROM schema_migration")
            #expect(migrations == ["\(ids.count)"])
            // The lists answer from PostgreSQL (an empty ledger: a header, no rows).
            let balances = try await CLI.run(["query", "balances", "--format", "csv", "--store-url", url])
            #expect(balances.status == 0, "\(balances.stderr)")
            #expect(balances.stdout.hasPrefix("source,"))

            try await database.execute(
                "INSERT INTO schema_migration VALUES ('9999_future', '\(String(repeating: "f", count: 64))', 0)")
            let refused = try await CLI.run(["migrate", "--store-url", url])
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("written by a newer LedgerSync"))

            // The query lists read a schema this build does not know no more than migrate writes it.
            let newer = try await CLI.run(["query", "balances", "--store-url", url])
            #expect(newer.status == 3)
            #expect(newer.stderr.contains("written by a newer LedgerSync"))
            // The other commands say plainly that they need a SQLite ledger in this build.
            let backup = try await CLI.run(["backup", "--store-url", url, "--to", "/nonexistent/backup.sqlite"])
            #expect(backup.status == 2)
            #expect(backup.stderr.contains("`query` (the lists and `query sql`), `export` and `check` work on one"))
            let directory = try TemporaryDirectory()
            try """
            [store]
            url = "\(url)"

            [sources.dms]
            kind = "dms_credit"
            base_url = "http://127.0.0.1:9"
            discover = false
            orgs = [101]
            token_env = "DMS_TOKEN"
            """.write(toFile: directory.file("ledgersync.toml"), atomically: true, encoding: .utf8)
            for command in [["serve"], ["rebuild"]] {
                let refused = try await CLI.run(
                    command + ["--config", "ledgersync.toml"], in: directory.path, environment: ["DMS_TOKEN": "t"])
                #expect(refused.status == 2, "\(command)")
                #expect(refused.stderr.contains("`ledgersync \(command[0])` works on a SQLite ledger ([store] path)"))
            }
        }
    }

    /// Each line of `migrate --status` after the header, as its first two columns: `0001_initial applied`.
    static func states(_ table: String) -> [String] {
        table.split(separator: "\n").dropFirst().map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " ")
        }
    }
}
