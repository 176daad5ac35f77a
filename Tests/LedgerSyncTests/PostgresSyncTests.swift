import Foundation
import LedgerCore
import LedgerPostgres
import LedgerReports
import LedgerSimulator
import LedgerSources
import LedgerStore
import LedgerSync
import LedgerTestSupport
import Testing

/// The sync engine on the PostgreSQL store, against the SQLite store as the reference.
@Suite("Sync into PostgreSQL", .enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresSyncTests {
    /// The harness's config with the ledger in `database`.
    static func configText(_ harness: SyncHarness, database: PostgresTestDatabase, sources: String? = nil) -> String {
        let text = harness.configText().replacingOccurrences(
            of: "path = \"ledger.sqlite\"", with: "url = \"\(database.url)\"")
        guard let sources else { return text }
        // Only the named sources: a syncer of its own per source, as a team near each API would run.
        return text.components(separatedBy: "\n[sources.").enumerated().filter { index, part in
            index == 0 || sources.split(separator: ",").contains { part.hasPrefix("\($0)]") }
        }.map(\.element).joined(separator: "\n[sources.")
    }

    @Test(
        "One simulator world synced into both stores, round by round: the same run reports and the same normalized digest (versions, conflicts of every kind, gone accounts, movements, failures, quarantine), and PostgreSQL's chain verifies"
    )
    func sameLedgerAsSQLite() async throws {
        try await withSyncHarness { harness in
            try await PostgresTestDatabase.with { database in
                // Both stores record at the same instants: a gone marker's valid time is the time of writing.
                let clock = SteppedClock(harness.simulator.clock.now())
                let log = LogCapture()
                let postgres = try await PostgresLedger.open(
                    location: database.location, clock: clock, logger: log.logger())
                let sqlite = try LedgerDatabase.open(
                    path: harness.databasePath, clock: clock, logger: SyncHarness.quiet)
                defer { try? sqlite.close() }
                let world = harness.simulator.world
                let faults = harness.simulator.faults
                // Each round syncs SQLite from the simulator, capturing every response, then PostgreSQL from the
                // capture: both stores take exactly the same answers (a clock-skewed gmtModified is "now plus a day"
                // by the simulator's ticking clock), at the same recording instants.
                var rounds = 0
                func round() async throws {
                    rounds += 1
                    clock.advance(
                        milliseconds: harness.simulator.clock.now().millisecondsSinceEpoch
                            - clock.now().millisecondsSinceEpoch)
                    let capture = harness.directory + "/capture-\(rounds)"
                    let network = AsyncHTTPClientTransport(client: harness.client)
                    let reference = try await SyncEngine(
                        configuration: try harness.configuration(), store: sqlite,
                        transport: try CapturingTransport(base: network, directory: capture),
                        clock: harness.simulator.clock, sleep: { _ in }, logger: SyncHarness.quiet
                    ).run()
                    let report = try await SyncEngine(
                        configuration: try harness.configuration(), store: postgres,
                        transport: try ReplayTransport(directory: capture), clock: harness.simulator.clock,
                        sleep: { _ in }, logger: SyncHarness.quiet
                    ).run()
                    #expect(report.status == reference.status)
                    #expect(report.sources.map(\.counts) == reference.sources.map(\.counts))
                    #expect(report.sources.map(\.discovery) == reference.sources.map(\.discovery))
                }
                try await round()
                world.advance(seconds: 3_600)
                _ = world.setClientBalance(1003, to: try #require(FixedDecimal("12.340000001")))
                try await round()
                faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 2))
                faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1002", times: 2))
                faults.add(FaultRule(.clockSkew, source: .modelRouter, target: "1003", times: 2))
                faults.add(FaultRule(.serverError, source: .dmsCredit, target: "102:2", times: 4))
                faults.add(FaultRule(.wrongTypes, source: .twccWallet, target: "MST000001/W0001", times: 2))
                world.setClientDeleted(1004, true)
                try await round()
                world.advance(seconds: 3_600)
                world.setClientDeleted(1004, false)
                try await round()

                // The common cases went through the set-based batch: no group fell back to one unit at a time.
                #expect(!log.all.contains { $0.contains("batch failed") }, "\(log.all)")
                let digest = try await postgres.normalizedDigest()
                #expect(digest == (try sqlite.normalizedDigest()))
                try await Self.sameQueryAnswers(
                    sqlite: LedgerReader(sqlite), postgres: PostgresQueries(postgres), now: clock.now())
                try await Self.sameReports(
                    sqlite: LedgerReader(sqlite), postgres: PostgresQueries(postgres), now: clock.now(),
                    directory: harness.directory)
                let verification = try await postgres.verifyQuick()
                #expect(verification.findings.isEmpty)
                // Every kind of conflict the rounds staged was recorded, so the comparison covered them.
                try await database.withClient { client, logger in
                    let rows = try await client.query(
                        "SELECT kind, count(*) FROM conflict GROUP BY kind ORDER BY kind", logger: logger)
                    var kinds: [String] = []
                    for try await (kind, _) in rows.decode((String, Int64).self) { kinds.append(kind) }
                    #expect(kinds == ["clock_skew", "same_timestamp_different_content", "stale"])
                }
                #expect(
                    try await database.strings("SELECT count(*)::text FROM balance_version WHERE state = 'gone'") == [
                        "1"
                    ])
                #expect(try await database.strings("SELECT (count(*) > 0)::text FROM quarantine") == ["true"])
                #expect(
                    try await database.strings("SELECT (count(*) > 0)::text FROM modelrouter_balance_log") == ["true"])
                await postgres.close()
            }
        }
    }

    @Test(
        "`ledgersync sync` with [store] url: syncers of different sources write at once; a second syncer of a held source exits 5 naming the holder and changes nothing"
    )
    func oneWriterPerSource() async throws {
        try await withSyncHarness { harness in
            try await PostgresTestDatabase.with { database in
                let directory = harness.directory
                for (file, sources) in [("mr.toml", "mr"), ("dms.toml", "dms"), ("twcc.toml", "twcc")] {
                    try Self.configText(harness, database: database, sources: sources).write(
                        toFile: directory + "/" + file, atomically: true, encoding: .utf8)
                }
                // Three syncers, one per source, at once.
                async let mr = CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                async let dms = CLI.run(
                    ["sync", "--quiet", "--config", "dms.toml"], in: directory, environment: SyncHarness.environment)
                async let twcc = CLI.run(
                    ["sync", "--quiet", "--config", "twcc.toml"], in: directory, environment: SyncHarness.environment)
                let results = try await [mr, dms, twcc]
                #expect(results.map(\.status) == [0, 0, 0], "\(results.map(\.stderr))")
                #expect(
                    try await database.strings(
                        "SELECT s.name || ':' || r.status FROM sync_run_source r JOIN source_instance s ON s.id = r.source_id ORDER BY s.name"
                    ) == ["dms:complete", "mr:complete", "twcc:complete"])
                #expect(try await database.strings("SELECT count(DISTINCT run_id)::text FROM sync_run_source") == ["3"])

                // The lock of `mr` held elsewhere: a syncer of mr stops at once; one of dms goes on.
                let holder = try await PostgresLedger.open(location: database.location, logger: SyncHarness.quiet)
                let lock = try await holder.lockSource(name: "mr", kind: .modelRouter)
                let runs = try await database.strings("SELECT count(*)::text FROM sync_run")
                let refused = try await CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                #expect(refused.status == 5)
                #expect(refused.stderr.contains("another sync of source 'mr' holds its lock"))
                #expect(refused.stderr.contains("ledgersync pid \(ProcessInfo.processInfo.processIdentifier)"))
                #expect(try await database.strings("SELECT count(*)::text FROM sync_run") == runs)
                let other = try await CLI.run(
                    ["sync", "--quiet", "--config", "dms.toml"], in: directory, environment: SyncHarness.environment)
                #expect(other.status == 0, "\(other.stderr)")
                await lock.release()
                await holder.close()
                let after = try await CLI.run(
                    ["sync", "--quiet", "--config", "mr.toml"], in: directory, environment: SyncHarness.environment)
                #expect(after.status == 0, "\(after.stderr)")

                // The reports read the shared ledger: export's files and check's verdict, from one config.
                let day = String(harness.simulator.clock.now().iso8601.prefix(10))
                let next = String(harness.simulator.clock.now().adding(seconds: 86_400).iso8601.prefix(10))
                let export = try await CLI.run(
                    ["export", "--config", "mr.toml", "--from", day, "--to", next, "--out", "report"], in: directory,
                    environment: SyncHarness.environment)
                #expect(export.status == 0, "\(export.stderr)")
                #expect(FileManager.default.fileExists(atPath: directory + "/report/statements.csv"))
                let check = try await CLI.run(
                    ["check", "--config", "mr.toml", "--from", day, "--to", next], in: directory,
                    environment: SyncHarness.environment)
                #expect([0, 1].contains(check.status), "\(check.stderr)")
                #expect(!check.stdout.isEmpty)
            }
        }
    }

    @Test(
        "kill -9 of a syncer of a PostgreSQL ledger mid-run: its source locks are released with its session, the next run closes the run it left and completes, and the ledger equals an uninterrupted one"
    )
    func killNine() async throws {
        let binary = try CLI.binary()
        try await withSyncHarness(
            SimulatorConfiguration(
                modelRouterClients: 150, dmsOrgs: 60, twccProjects: 10, childWalletsPerProject: 3, changePercent: 100)
        ) { harness in
            let orgs = CrashSafetyTests.orgs
            // One online run into SQLite captures the answers and is the reference; every run below replays them.
            guard let (capture, referenceDigest) = try await CrashSafetyTests.captureReference(harness) else { return }
            func configFile(_ database: PostgresTestDatabase) throws -> String {
                let path = harness.directory + "/\(database.name).toml"
                let text = harness.configText(dmsOrgs: orgs).replacingOccurrences(
                    of: "path = \"ledger.sqlite\"", with: "url = \"\(database.url)\"")
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                return path
            }
            func launch(_ config: String) throws -> Process {
                try CrashSafetyTests.launch(binary, ["sync", "--config", config, "--from", capture, "--quiet"])
            }
            let window = try await PostgresTestDatabase.with { database in
                let config = try configFile(database)
                return try await CrashSafetyTests.killWindow { _ in try launch(config) }
            }
            let seed = CrashSafetyTests.killSeed("kill -9 PostgreSQL sync test", window: window)
            var points = SplitMix64(seed: seed)
            var killedMidway = 0
            for index in 0..<6 {
                try await PostgresTestDatabase.with { database in
                    let config = try configFile(database)
                    if try await CrashSafetyTests.kill(try launch(config), within: window, points: &points) {
                        killedMidway += 1
                    }
                    let configuration = try SyncConfiguration.load(path: config, environment: SyncHarness.environment)
                    guard
                        case .finished(let after) = try await SyncCommandRunner.run(
                            configuration: configuration, replay: capture, logger: SyncHarness.quiet)
                    else {
                        Issue.record("run \(index): a source is still locked after the kill")
                        return
                    }
                    #expect(after.status == .complete, "run \(index), seed \(seed)")
                    let ledger = try await PostgresLedger.open(location: database.location, logger: SyncHarness.quiet)
                    #expect(try await ledger.normalizedDigest() == referenceDigest, "run \(index), seed \(seed)")
                    let findings = try await ledger.verifyQuick().findings
                    #expect(findings.isEmpty, "run \(index), seed \(seed): \(findings)")
                    await ledger.close()
                    #expect(
                        try await database.strings("SELECT count(*)::text FROM sync_run WHERE status = 'running'")
                            == ["0"], "run \(index), seed \(seed): a run is left running")
                }
            }
            // Most kills must land while the syncer runs, or the test proved little.
            #expect(killedMidway >= 3, "only \(killedMidway) of 6 kills landed mid-run (seed \(seed))")
        }
    }

    @Test(
        "`demo --store-url` builds the demo ledger in an empty PostgreSQL database: the same totals and check findings as the SQLite demo; a database that holds a ledger is refused"
    )
    func demo() async throws {
        try await PostgresTestDatabase.with { database in
            let directory = try TemporaryDirectory()
            let sqlite = try await CLI.run(["demo", "--dir", directory.file("sqlite")])
            #expect(sqlite.status == 0, "\(sqlite.stderr)")
            let postgres = try await CLI.run(["demo", "--dir", directory.file("postgres"), "--store-url", database.url])
            #expect(postgres.status == 0, "\(postgres.stderr)")
            #expect(postgres.stdout.contains("query balances --store-url '\(database.url)'"))
            let period = try #require(
                sqlite.stdout.firstMatch(of: #/--from (\d{4}-\d{2}-\d{2}) --to (\d{4}-\d{2}-\d{2})/#))
            let ledgers = [["--db", directory.file("sqlite/ledger.sqlite")], ["--store-url", database.url]]
            for command in [
                // Not the lists with recorded times and row ids: the two demos ran at different moments.
                ["query", "totals", "--format", "json"], ["query", "totals", "--format", "csv", "--unit", "CNY"],
                ["check", "--from", String(period.output.1), "--to", String(period.output.2)],
            ] {
                let answers = try await ledgers.asyncMap { try await CLI.run(command + $0) }
                #expect(answers[0].status == answers[1].status, "\(command)")
                #expect(answers[0].stdout == answers[1].stdout, "\(command)")
                #expect(!answers[0].stdout.isEmpty)
            }
            let again = try await CLI.run(["demo", "--dir", directory.file("again"), "--store-url", database.url])
            #expect(again.status == 2)
            #expect(again.stderr.contains("holds a ledger already"))
        }
    }

    /// Every query list, with every kind of filter and both time axes, answers the same rows in both stores; and
    /// following the PostgreSQL store's cursors a page of 3 at a time gives exactly its single-page answer.
    ///
    /// Row ids are left out of the comparison, and rows compared as a sorted list: the stores number rows in the
    /// order their writer took them, which the order fetches finished in decides (also between two SQLite runs).
    static func sameQueryAnswers(sqlite: LedgerReader, postgres: PostgresQueries, now: Instant) async throws {
        var cases: [(QueryKind, QueryOptions)] = []
        for kind in QueryKind.allCases { cases.append((kind, QueryOptions())) }
        func options(_ change: (inout QueryOptions) -> Void) -> QueryOptions {
            var options = QueryOptions()
            change(&options)
            return options
        }
        let hourAgo = now.adding(seconds: -3_600)
        cases += [
            (.balances, options { $0.asOf = AsOf(valid: hourAgo) }),
            (.balances, options { $0.asOf = AsOf(recorded: hourAgo) }),
            (.balances, options { $0.asOf = AsOf(valid: hourAgo, recorded: now) }),
            (.balances, options { $0.filter.sources = ["dms", "mr"] }),
            (.balances, options { $0.filter.kinds = [.twccWallet] }),
            (.balances, options { $0.filter.accounts = ["1001", "1002"] }),
            (.balances, options { $0.filter.namePattern = "*W0*" }),
            (.balances, options { $0.filter.units = ["CNY"] }),
            (.totals, options { $0.asOf = AsOf(valid: hourAgo) }),
            (.totals, options { $0.filter.sources = ["twcc"] }),
            (.history, options { $0.includeSuperseded = true }),
            (.history, options { $0.filter.from = hourAgo }),
            (.changes, options { $0.axis = .recorded }),
            (.changes, options { $0.filter.units = ["CNY"] }),
            (.conflicts, options { $0.conflictKinds = ["stale"] }),
            (.runs, options { $0.filter.sources = ["mr"] }),
            (.errors, options { $0.runID = 3 }),
            (.movements, options { $0.filter.to = hourAgo }),
        ]
        var compared = 0
        for (kind, base) in cases {
            var json = base
            json.format = .json
            let reference = try await QueryRunner.run(kind, reader: sqlite, options: json)
            let answer = try await QueryRunner.run(kind, reader: postgres, options: json)
            #expect(try rowsWithoutIDs(answer.text) == rowsWithoutIDs(reference.text), "\(kind) \(base.filter)")
            compared += reference.rowCount
            // The PostgreSQL store's paging: pages of 3 follow each other to the same rows.
            guard kind != .totals else { continue }
            var paged = json
            paged.page = PageRequest(limit: 3)
            var rows: [JSONValue] = []
            while true {
                let page = try await QueryRunner.run(kind, reader: postgres, options: paged)
                rows += try pageRows(page.text)
                guard let next = page.nextCursor else { break }
                paged.page.after = next
            }
            #expect(rows == (try pageRows(answer.text)), "paging \(kind)")
        }
        #expect(compared > 100, "the lists compared held only \(compared) rows")
        // `query sql` with SQL both dialects read alike: the same columns and rows (sorted: text order is the
        // database's own here), and the columns of an empty answer.
        for statement in [
            "SELECT a.account_key, count(*) AS versions, sum(v.available_balance_whole) AS whole FROM account a JOIN balance_version v ON v.account_id = a.id GROUP BY a.account_key",
            "SELECT id, kind FROM conflict WHERE id < 0",
        ] {
            let reference = try sqlite.sql(statement, limit: 10_000)
            let answer = try await postgres.sql(statement, limit: 10_000)
            #expect(answer.columns == reference.columns)
            #expect(answer.rows.map { "\($0)" }.sorted() == reference.rows.map { "\($0)" }.sorted())
        }
        await #expect(throws: QueryError.self) { try await postgres.sql("DELETE FROM account", limit: 10) }
        await #expect(throws: QueryError.self) { try await postgres.sql("SELEC nothing", limit: 10) }
        // The same refusals, word for word.
        for filter in [
            QueryFilter(sources: ["nope"]), QueryFilter(sources: ["mr"], kinds: [.dmsCredit]),
            QueryFilter(accounts: ["424242"]),
        ] {
            var options = QueryOptions()
            options.filter = filter
            var expected = ""
            do { _ = try await QueryRunner.run(.balances, reader: sqlite, options: options) } catch {
                expected = error.description
            }
            do {
                _ = try await QueryRunner.run(.balances, reader: postgres, options: options)
                Issue.record("PostgreSQL accepted \(filter)")
            } catch {
                #expect(error.description == expected)
                #expect(!expected.isEmpty)
            }
        }
    }

    static func pageRows(_ text: String) throws -> [JSONValue] {
        guard case .array(let rows) = try JSONValue.parse(text) else { return [] }
        return rows
    }

    /// The rows with every id field left out, sorted by their JSON text.
    static func rowsWithoutIDs(_ text: String) throws -> [String] {
        try pageRows(text).map { row in
            guard case .object(let object) = row else { return row.jsonText }
            return JSONValue.object(
                JSONObject(object.keys.filter { !($0 == "id" || $0.hasSuffix("_id")) }.map { ($0, object[$0]!) })
            ).jsonText
        }.sorted()
    }

    /// `export` in every format and `check` of the synced period give the same files from both stores, but for the
    /// manifest (when each was written), the schema version each store is at, the head of each store's own hash
    /// chain and the ledger's row ids (its facts are the same, numbered and linked in the order each store's writer
    /// took them, which the order fetches finished in decides).
    static func sameReports(
        sqlite: LedgerReader, postgres: PostgresQueries, now: Instant, directory: String
    ) async throws {
        let parameters = ReportParameters(from: now.adding(seconds: -86_400), to: now.adding(seconds: 3_600))
        let sqliteSchema = try sqlite.schemaVersion()
        let postgresSchema = try await postgres.schemaVersion()
        func files(_ store: any ReportStore, _ name: String, schema: String) async throws -> [String: String] {
            let out = directory + "/export-" + name
            let head = try await store.chainHead()
            let report = try await Reconciler.report(reader: store, parameters: parameters)
            var names = try ReportExporter.write(report, to: out, formats: [.csv, .json, .html], excel: false)
            names += try await ReportExporter.writeCSV(reader: store, parameters: parameters, to: out + "-streamed")
                .files.map { "../export-\(name)-streamed/" + $0 }
            func key(_ file: String) -> String { file.replacingOccurrences(of: "export-\(name)-", with: "") }
            var contents: [String: String] = ["check": report.checkLines.joined(separator: "\n")]
            for file in names where !file.hasSuffix("manifest.json") {
                let text = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
                contents[key(file)] = Self.withoutRowIDs(text, csv: file.hasSuffix(".csv"))
                    .replacingOccurrences(of: schema, with: "<schema>")
                    .replacingOccurrences(of: head.hash, with: "<head>")
                    .replacingOccurrences(of: "\"position\":\(head.position),", with: "\"position\":<position>,")
            }
            return contents
        }
        let reference = try await files(sqlite, "sqlite", schema: sqliteSchema)
        let answer = try await files(postgres, "postgres", schema: postgresSchema)
        #expect(answer.keys.sorted() == reference.keys.sorted())
        for (name, text) in reference.sorted(by: { $0.key < $1.key }) {
            let first = zip((answer[name] ?? "").split(separator: "\n"), text.split(separator: "\n")).first { $0 != $1 }
            #expect(answer[name] == text, "\(name) differs between the stores: \(String(describing: first))")
        }
        #expect(reference.count > 5)
    }

    /// The text with the values of id columns (`…_id` in CSV headers, `"…_id":` in JSON) replaced by `<id>`.
    static func withoutRowIDs(_ text: String, csv: Bool) -> String {
        guard csv else {
            return text.replacing(#/"(\w*_id)":(\d+)/#) { "\"\($0.output.1)\":<id>" }
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return text }
        // Counted from the end: the id columns come after every free-text column (a name may hold a comma).
        let fromEnd = header.indices.filter { header[$0].hasSuffix("_id") }.map { header.count - 1 - $0 }
        guard !fromEnd.isEmpty else { return text }
        for index in lines.indices.dropFirst() where !lines[index].isEmpty {
            var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for offset in fromEnd where offset < fields.count { fields[fields.count - 1 - offset] = "<id>" }
            lines[index] = fields.joined(separator: ",")
        }
        return lines.joined(separator: "\n")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
