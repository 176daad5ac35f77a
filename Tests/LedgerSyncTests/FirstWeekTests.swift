import Foundation
import LedgerSimulator
import LedgerTestSupport
import Testing

@Suite("A new user's first commands")
struct FirstWeekTests {
    @Test("init, edit, sync, query with no --db: a fresh directory to a ledger")
    func freshDirectory() async throws {
        try await RunningSimulator.with { simulator in
            let scratch = try TemporaryDirectory()
            let initialized = try await CLI.run(["init"], in: scratch.path)
            #expect(initialized.status == 0, "\(initialized.stderr)")
            #expect(initialized.stdout.contains("sync"))
            let secretsMode =
                try FileManager.default.attributesOfItem(atPath: scratch.file("secrets.env"))[.posixPermissions] as? Int
            #expect(secretsMode == 0o600)
            // A second init refuses to overwrite.
            let again = try await CLI.run(["init"], in: scratch.path)
            #expect(again.status == 2 && again.stderr.contains("never overwrites"))
            // Before any source is uncommented, sync says what to do.
            let empty = try await CLI.run(["sync"], in: scratch.path)
            #expect(empty.status == 2 && empty.stderr.contains("no source is configured"), "\(empty.stderr)")

            // The user uncomments the ModelRouter example, points it at their endpoint and fills in the secrets.
            var config = try String(contentsOfFile: scratch.file("ledgersync.toml"), encoding: .utf8)
            var inBlock = false
            config = config.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                if line.hasPrefix("# [sources.modelrouter]") { inBlock = true }
                if inBlock, line.isEmpty { inBlock = false }
                guard inBlock, line.hasPrefix("# ") else { return String(line) }
                let uncommented = String(line.dropFirst(2))
                return uncommented.hasPrefix("base_url")
                    ? "base_url = \"\(simulator.baseURL)\"" : uncommented.hasPrefix("clients") ? "" : uncommented
            }.joined(separator: "\n")
            try config.write(toFile: scratch.file("ledgersync.toml"), atomically: true, encoding: .utf8)
            try "MR_ACCESS_KEY_ID=sim-access-key-id\nMR_ACCESS_KEY_SECRET=sim-access-key-secret\n"
                .write(toFile: scratch.file("secrets.env"), atomically: false, encoding: .utf8)
            let sync = try await CLI.run(["sync", "--quiet"], in: scratch.path)
            #expect(sync.status == 0, "\(sync.stderr)")

            let balances = try await CLI.run(["query", "balances", "--format", "csv"], in: scratch.path)
            #expect(balances.status == 0, "\(balances.stderr)")
            #expect(balances.stdout.split(separator: "\n").count == 1 + 5, "\(balances.stdout)")
            #expect(try await CLI.run(["migrate", "--status"], in: scratch.path).status == 0)
            #expect(try await CLI.run(["check", "--from", "2026-01-01"], in: scratch.path).status != 2)
            // --db and --config that name different ledgers are refused; the same one is fine.
            let clash = try await CLI.run(
                ["query", "totals", "--db", "other.sqlite", "--config", "ledgersync.toml"], in: scratch.path)
            #expect(clash.status == 2 && clash.stderr.contains("different ledgers"), "\(clash.stderr)")
            let same = try await CLI.run(
                ["query", "totals", "--db", "ledger.sqlite", "--config", "ledgersync.toml"], in: scratch.path)
            #expect(same.status == 0, "\(same.stderr)")
        }
    }

    @Test("Without --db, --config or ./ledgersync.toml, a query says how to name the ledger")
    func noLedger() async throws {
        let scratch = try TemporaryDirectory()
        let result = try await CLI.run(["query", "balances"], in: scratch.path)
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("pass --db FILE, --store-url URL or --config FILE")
                && result.stderr.contains("ledgersync init"))
    }
}
