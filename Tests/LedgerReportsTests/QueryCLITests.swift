import Crypto
import Foundation
import GRDB
import LedgerCore
import LedgerReports
import LedgerStore
import Logging
import Testing

@Suite("ledgersync query")
struct QueryCLITests {
    static func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    /// A private copy of the fixture, so a test that checks the file's bytes owns it.
    static func copyOfFixture() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        try FileManager.default.copyItem(atPath: try await FixtureLedger.shared.path(), toPath: path)
        return (directory, path)
    }

    @Test("query sql refuses every kind of write with exit 2, and the file stays byte-identical")
    func readOnlySQL() async throws {
        let (directory, path) = try await Self.copyOfFixture()
        _ = directory
        let before = try Self.sha256(path)
        let refused = [
            "INSERT INTO source_instance (name, kind, created_at) VALUES ('x', 'modelrouter', 0)",
            "UPDATE balance_version SET available_balance_whole = 0",
            "DELETE FROM conflict",
            "  -- a comment first\n DROP TABLE conflict",
            "CREATE TABLE t (x)",
            "ALTER TABLE account ADD COLUMN x TEXT",
            "ATTACH DATABASE '\(directory.file("other.sqlite"))' AS other",
            "PRAGMA journal_mode = DELETE",
            "PRAGMA user_version = 7",
            "PRAGMA wal_checkpoint(TRUNCATE)",
            "VACUUM",
            "REPLACE INTO source_instance (id, name, kind, created_at) VALUES (1, 'x', 'modelrouter', 0)",
            "WITH x AS (SELECT 1) DELETE FROM conflict",
            "SELECT 1; DELETE FROM conflict",
        ]
        for statement in refused {
            let result = try await CLI.run(["query", "sql", "--db", path, statement])
            #expect(result.status == 2, "\(statement): exit \(result.status), \(result.stderr)")
            #expect(result.stderr.contains("query sql"), "\(statement): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("other.sqlite")))
        let ok = try await CLI.run([
            "query", "sql", "--db", path, "--format", "csv", "SELECT count(*) AS n FROM balance_version",
        ])
        #expect(ok.status == 0)
        #expect(ok.stdout == "n\n12\n")
        let pragma = try await CLI.run(["query", "sql", "--db", path, "PRAGMA table_info(account)"])
        #expect(pragma.status == 0 && pragma.stdout.contains("display_name"))
        #expect(try Self.sha256(path) == before)
    }

    @Test("bad input names the argument and exits 2, never a stack trace")
    func badInput() async throws {
        let (directory, path) = try await Self.copyOfFixture()
        _ = directory
        let cases: [([String], String)] = [
            (["query", "balances", "--db", path, "--as-of", "yesterday"], "--as-of \"yesterday\""),
            (["query", "balances", "--db", path, "--as-of", "2026-11-19T08:00:00"], "--as-of"),
            (["query", "changes", "--db", path, "--from", "2026-13-01"], "--from"),
            (["query", "balances", "--db", path, "--source", "nope"], "--source nope"),
            (["query", "history", "--db", path, "--account", "424242"], "--account 424242"),
            (["query", "balances", "--db", path, "--source", "dms", "--kind", "twcc_wallet"], "conflicting filters"),
            (["query", "changes", "--db", path, "--from", "2026-11-20", "--to", "2026-11-19"], "conflicting filters"),
            (["query", "balances", "--db", path, "--tz", "Mars/Olympus"], "--tz"),
            (["query", "balances", "--db", path, "--format", "xml"], "--format"),
            (["query", "balances", "--db", path, "--after", "bm90LWEtY3Vyc29y"], "--after"),
            // Each list has only its own options: a window does not apply to balances, a conflict kind only to
            // conflicts, a run only to errors.
            (["query", "balances", "--db", path, "--from", "2026-11-19"], "Unknown option '--from'"),
            (["query", "history", "--db", path, "--conflict-kind", "stale"], "Unknown option '--conflict-kind'"),
            (["query", "runs", "--db", path, "--account", "17"], "Unknown option '--account'"),
            (["query", "conflicts", "--db", path, "--conflict-kind", "nope"], "--conflict-kind nope"),
        ]
        for (arguments, expected) in cases {
            let result = try await CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        let missing = try await CLI.run(["query", "balances", "--db", directory.file("none.sqlite")])
        #expect(missing.status == 3 && missing.stderr.contains("no ledger here"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("none.sqlite")))
    }

    @Test("queries answer while a sync holds an open write transaction (WAL)")
    func readsDuringWrite() async throws {
        let (directory, path) = try await Self.copyOfFixture()
        _ = directory
        let database = try LedgerDatabase.open(path: path, logger: Logger(label: "test"))
        let pool = try #require(database.writer as? DatabasePool)
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "UPDATE account SET display_name = 'in flight' WHERE account_key = '17'")
            // Another process reads the committed state while this transaction is open.
            // Inside a synchronous database closure: the blocking run (no in-process server is involved).
            let result = try CLI.run(["query", "balances", "--db", path, "--account", "17", "--format", "ndjson"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("研发部"))
            #expect(!result.stdout.contains("in flight"))
            try db.execute(sql: "ROLLBACK")
        }
        try database.close()
    }

    @Test("keyset paging walks every row once, in order, and the cursor is printed on stderr")
    func paging() async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let all = try reader.history(page: .all).rows.map(\.versionID)
        var seen: [Int64] = []
        var cursor: String?
        repeat {
            let page = try reader.history(page: PageRequest(limit: 2, after: cursor))
            seen += page.rows.map(\.versionID)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == all)
        #expect(all.count == 11)
        // Balances page across sources too, one row at a time and two at a time.
        let balances = try reader.balances(page: .all).rows.map(\.account)
        #expect(Set(balances.map(\.source)).count >= 2)
        for limit in [1, 2] {
            var accounts: [AccountRef] = []
            cursor = nil
            repeat {
                let page = try reader.balances(page: PageRequest(limit: limit, after: cursor))
                accounts += page.rows.map(\.account)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(accounts == balances, "pages of \(limit)")
        }
        #expect(throws: QueryError.self) { try reader.balances(page: PageRequest(limit: 2, after: "garbage")) }
        // A cursor from another query is refused, not misread.
        let historyCursor = try #require(try reader.history(page: PageRequest(limit: 1)).nextCursor)
        #expect(throws: QueryError.self) { try reader.balances(page: PageRequest(limit: 1, after: historyCursor)) }

        let path = try await FixtureLedger.shared.path()
        let first = try await CLI.run(["query", "balances", "--db", path, "--limit", "4", "--format", "csv"])
        let next = try #require(
            first.stderr.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let second = try await CLI.run([
            "query", "balances", "--db", path, "--limit", "4", "--format", "csv", "--after", next,
        ])
        #expect(first.stdout.split(separator: "\n").count == 5)
        #expect(second.stdout.split(separator: "\n").count == 3)
        #expect(second.stderr.isEmpty)
    }

    @Test("Each query's help lists only the options that apply to it")
    func helpPerList() async throws {
        let balances = try await CLI.run(["query", "balances", "--help"])
        #expect(balances.status == 0)
        for option in ["--as-of", "--recorded-as-of", "--account", "--format"] {
            #expect(balances.stdout.contains(option), "balances --help lacks \(option)")
        }
        for option in ["--from", "--conflict-kind", "--run ", "--axis", "--include-superseded"] {
            #expect(!balances.stdout.contains(option), "balances --help offers \(option)")
        }
        let conflicts = try await CLI.run(["query", "conflicts", "--help"])
        #expect(conflicts.stdout.contains("same_timestamp_different_content") && !conflicts.stdout.contains("--as-of"))
    }

    @Test("table output aligns columns with wide characters counted as two")
    func cjkAlignment() async throws {
        let path = try await FixtureLedger.shared.path()
        let result = try await CLI.run(["query", "balances", "--db", path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        // The STATE column starts at the same display column on every line, whatever the name before it holds.
        func displayColumn(of needle: String, in line: String) -> Int? {
            guard let range = line.range(of: needle) else { return nil }
            return line[..<range.lowerBound].unicodeScalars.reduce(0) {
                $0 + ((0x2E80...0x9FFF).contains($1.value) || (0xFF00...0xFF60).contains($1.value) ? 2 : 1)
            }
        }
        let header = try #require(displayColumn(of: "STATE", in: lines[0]))
        for line in lines.dropFirst() {
            let state = displayColumn(of: "present", in: line) ?? displayColumn(of: "gone", in: line)
            #expect(state == header, "\(line)")
        }
        // Amounts are right-aligned with their unit: every amount cell of the column ends at the same column.
        let ends = lines.dropFirst().compactMap { line -> Int? in
            guard let range = line.range(of: #"[0-9]+\.[0-9]{4} (CNY|tokens|SU)"#, options: .regularExpression) else {
                return nil
            }
            return (displayColumn(of: String(line[range]), in: line) ?? 0) + line[range].count
        }
        #expect(Set(ends).count == 1, "\(ends)")
    }
}
