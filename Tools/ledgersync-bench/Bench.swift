import ArgumentParser
import ProcessTuning
import Foundation
import LedgerCore
import LedgerSimulator
import LedgerSources
import LedgerStore
import LedgerSync
import Logging

/// The entry point: the measured children run with the allocator settings of `ledgersync` (see ProcessMemory).
@main
enum BenchMain {
    static func main() async {
        ProcessMemory.limitMallocArenas(environment: ProcessInfo.processInfo.environment)
        await Bench.main()
    }
}

/// `ledgersync-bench`: every scenario beside the limit it is measured against, in one run, in one table.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgersync-bench",
        abstract: "Measure LedgerSync against its limits and print one table (build with -c release).",
        subcommands: [
            Run.self, ServeSimulator.self, SyncOnce.self, RawFetch.self, WritePath.self, WritePathPostgres.self,
            SeedVersions.self,
            ExportOnce.self, BackupOnce.self, VerifyOnce.self, RebuildOnce.self,
        ],
        defaultSubcommand: Run.self)
}

/// The orchestrator: starts the simulator, runs each scenario and its limit as child processes, prints the table.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every scenario (the default).")

    @Flag(help: "Small sizes that finish in under two minutes on 2 cores.") var quick = false
    @Flag(help: "Print the table as JSON.") var json = false
    @Option(help: "Measured runs per figure (after one warm-up); the median is reported.") var runs = 3
    @Option(
        parsing: .upToNextOption,
        help: "Scenario groups to run: sync, write, query, export, serve, backup (default all).")
    var only: [String] = ["sync", "write", "query", "export", "serve", "backup"]
    @Option(
        help: """
            A PostgreSQL server (libpq URL, no password; `psql` on PATH) to measure the sync and the write path into \
            as well: each run gets a database of its own, dropped afterwards. LEDGERSYNC_BENCH_POSTGRES_URL also \
            sets it.
            """)
    var postgresURL: String?

    /// The PostgreSQL server measured, from the option or the environment.
    var postgresServer: String? {
        let server = postgresURL ?? ProcessInfo.processInfo.environment["LEDGERSYNC_BENCH_POSTGRES_URL"]
        return server.flatMap { $0.isEmpty ? nil : $0 }
    }
    @Option(
        parsing: .upToNextOption, help: "The sync scenarios' sizes in accounts (default 10000 100000; --quick 2000).")
    var syncSizes: [Int] = []

    func run() async throws {
        let runs = quick ? 1 : self.runs
        var rows: [[String: String]] = []
        if only.contains("sync") {
            for size in !syncSizes.isEmpty ? syncSizes : quick ? [2_000] : [10_000, 100_000] {
                rows += try await syncScenarios(accounts: size, runs: runs)
            }
        }
        if only.contains("write") {
            rows.append(try writeScenario(accounts: quick ? 2_000 : 100_000, rounds: 10, runs: runs))
            if let server = postgresServer {
                rows.append(
                    try writePostgresScenario(
                        server: server, accounts: quick ? 2_000 : 100_000, rounds: 10, runs: runs))
            }
        }
        if only.contains("query") {
            rows += try queryScenarios(accounts: quick ? 10_000 : 100_000, versions: 10, runs: runs)
        }
        if only.contains("export") {
            rows.append(try exportScenario(accounts: quick ? 5_000 : 100_000, days: 30, runs: runs))
        }
        if only.contains("serve") {
            rows += try await serveScenarios(
                accounts: quick ? 10_000 : 100_000, versions: 10, seconds: quick ? 3 : 10, runs: runs)
        }
        if only.contains("backup") {
            rows += try await backupScenarios(
                versionAccounts: quick ? 10_000 : 100_000, syncAccounts: quick ? 2_000 : 20_000, runs: runs)
        }
        print(Table.render(rows, json: json, runs: runs))
    }

    /// Sync scenarios at one size: first sync and unchanged re-sync against a raw fetch of the same URLs.
    func syncScenarios(accounts: Int, runs: Int) async throws -> [[String: String]] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        // 40% ModelRouter clients, 30% DMS customers, 30% TWCC wallets (projects of 10 wallets).
        let clients = accounts * 4 / 10
        let orgs = accounts * 3 / 10
        let projects = max(1, accounts * 3 / 100)
        let simulator = try startSimulator(clients: clients, orgs: orgs, projects: projects)
        defer { simulator.terminate() }
        let config = try writeConfig(directory: work, port: simulator.port, orgs: orgs, projects: projects)
        let postgres = try postgresServer.map { url in
            try PostgresBenchDatabase(
                server: url,
                config: try writeConfig(
                    directory: work, port: simulator.port, orgs: orgs, projects: projects, file: "postgres.toml",
                    store: "url = \"\(PostgresBenchDatabase.url(url))\""))
        }
        let total = Double(clients + orgs + projects * 10)

        _ = try measureSelf(["raw-fetch", "--config", config])  // warm-up
        var raw: [Double] = []
        var first: [Double] = []
        var again: [Double] = []
        var firstRSS: [Int] = []
        var againRSS: [Int] = []
        var pgFirst: [Double] = []
        var pgAgain: [Double] = []
        var pgFirstRSS: [Int] = []
        var pgAgainRSS: [Int] = []
        for run in 0..<runs {
            raw.append(try checked(measureSelf(["raw-fetch", "--config", config])).seconds)
            try? FileManager.default.removeItem(atPath: work + "/ledger.sqlite")
            let f = try checked(measureSelf(["sync-once", "--config", config]))
            first.append(f.seconds)
            firstRSS.append(f.peakRSSKiB)
            let a = try checked(measureSelf(["sync-once", "--config", config]))
            again.append(a.seconds)
            againRSS.append(a.peakRSSKiB)
            if let postgres {
                try postgres.recreate()
                let f = try checked(measureSelf(["sync-once", "--config", postgres.config]))
                pgFirst.append(f.seconds)
                pgFirstRSS.append(f.peakRSSKiB)
                let a = try checked(measureSelf(["sync-once", "--config", postgres.config]))
                pgAgain.append(a.seconds)
                pgAgainRSS.append(a.peakRSSKiB)
                try postgres.drop()
            }
            FileHandle.standardError.write(Data("size \(accounts) run \(run + 1)/\(runs) done\n".utf8))
        }
        let rawRate = total / median(raw)
        func row(_ scenario: String, _ seconds: [Double], _ rss: [Int]) -> [String: String] {
            let rate = total / median(seconds)
            return [
                "scenario": scenario, "size": "\(Int(total)) accounts",
                "ours": String(format: "%.0f accounts/s", rate),
                "limit": String(format: "%.0f accounts/s (raw fetch)", rawRate),
                "ratio": String(format: "%.2f", rate / rawRate),
                "peak_rss": String(format: "%.1f MiB", Double(rss.max() ?? 0) / 1024),
            ]
        }
        var rows = [row("first sync", first, firstRSS), row("unchanged re-sync", again, againRSS)]
        if postgres != nil {
            rows += [
                row("first sync (PostgreSQL)", pgFirst, pgFirstRSS),
                row("unchanged re-sync (PostgreSQL)", pgAgain, pgAgainRSS),
            ]
        }
        return rows
    }

    func checked(_ measurement: Measurement) throws -> Measurement {
        guard measurement.status == 0 else { throw BenchError("a child exited with status \(measurement.status)") }
        return measurement
    }

    struct RunningSimulator {
        let process: Process
        let port: Int
        func terminate() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func startSimulator(clients: Int, orgs: Int, projects: Int) throws -> RunningSimulator {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "serve-simulator", "--clients", "\(clients)", "--orgs", "\(orgs)", "--projects", "\(projects)",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("the simulator did not start") }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw BenchError("the simulator did not report its port")
        }
        return RunningSimulator(process: process, port: port)
    }

    func writeConfig(
        directory: String, port: Int, orgs: Int, projects: Int, file: String = "ledgersync.toml",
        store: String = "path = \"ledger.sqlite\""
    ) throws -> String {
        // Long lists in files, as the README advises for thousands of accounts.
        let orgList = (0..<orgs).map { String(101 + $0) + "\n" }.joined()
        let projectList = (0..<projects).map { "MST" + String(format: "%06d", $0 + 1) + "\n" }.joined()
        try Data(orgList.utf8).write(to: URL(fileURLWithPath: directory + "/dms-orgs.txt"))
        try Data(projectList.utf8).write(to: URL(fileURLWithPath: directory + "/twcc-projects.txt"))
        let text = """
            [store]
            \(store)
            [sources.mr]
            kind = "modelrouter"
            base_url = "http://127.0.0.1:\(port)"
            access_key_id_env = "BENCH_AK"
            access_key_secret_env = "BENCH_SK"
            concurrency = 16
            [sources.dms]
            kind = "dms_credit"
            base_url = "http://127.0.0.1:\(port)"
            discover = false
            orgs_file = "dms-orgs.txt"
            token_env = "BENCH_DMS"
            concurrency = 16
            [sources.twcc]
            kind = "twcc_wallet"
            base_url = "http://127.0.0.1:\(port)"
            projects_file = "twcc-projects.txt"
            account_env = "BENCH_TA"
            password_env = "BENCH_TP"
            concurrency = 16
            """
        let path = directory + "/" + file
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// The simulator's credentials, as the bench's children see them.
let benchEnvironment = [
    "BENCH_AK": "sim-access-key-id", "BENCH_SK": "sim-access-key-secret", "BENCH_DMS": "sim-dms-token",
    "BENCH_TA": "sim-user", "BENCH_TP": "sim-password",
]

/// Child: serves the simulator and prints its port.
struct ServeSimulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve-simulator", shouldDisplay: false)
    @Option var clients = 1000
    @Option var orgs = 1000
    @Option var projects = 100

    func run() async throws {
        let simulator = Simulator(
            configuration: SimulatorConfiguration(
                modelRouterClients: clients, dmsOrgs: orgs, twccProjects: projects, childWalletsPerProject: 9,
                changePercent: 0),
            logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
        try await simulator.run(host: "127.0.0.1", port: 0) { port in
            FileHandle.standardOutput.write(Data("\(port)\n".utf8))
        }
    }
}

/// Child: one sync, as `ledgersync sync` does it.
struct SyncOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync-once", shouldDisplay: false)
    @Option var config: String

    func run() async throws {
        let outcome = try await SyncCommandRunner.run(
            configPath: config, environment: benchEnvironment,
            logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        guard case .finished(let report) = outcome, report.status == .complete else {
            throw BenchError("the sync did not complete")
        }
    }
}

/// Child: the limit — the same requests at the same concurrency through the same client, storing nothing.
struct RawFetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raw-fetch", shouldDisplay: false)
    @Option var config: String

    func run() async throws {
        let configuration = try SyncConfiguration.load(path: config, environment: benchEnvironment)
        let client = AsyncHTTPClientTransport.makeClient()
        let transport = AsyncHTTPClientTransport(client: client)
        let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        // Sources run concurrently, as the sync runs them: the same requests in flight at once.
        await withTaskGroup(of: Void.self) { sources in
            for source in configuration.sources {
                sources.addTask { await Self.fetchAll(source, transport: transport, logger: quiet) }
            }
        }
        try await client.shutdown()
    }

    /// Every request of one source, `concurrency` at a time, results dropped. Accounts are taken as they are
    /// listed, as the sync takes them: the limit holds no list either.
    static func fetchAll(_ source: SourceConfiguration, transport: some HTTPTransport, logger quiet: Logger) async {
        let http = SourceHTTPClient(source: source.name, transport: transport, limits: source.limits, logger: quiet)
        let jobs = RawJobs(source, http: http)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            while let batch = await jobs.next() {
                for job in batch {
                    if running == source.limits.concurrency {
                        await group.next()
                        running -= 1
                    }
                    group.addTask(operation: job)
                    running += 1
                }
            }
        }
    }
}

/// The raw fetch's requests for one source, as the sync makes them: the listed accounts a page at a time (balance,
/// then movements where the source has them), then the configured accounts 256 at a time. One connector per
/// source, as the sync has (TWCC's keeps its token). The benchmark's configs never list an account they also name.
actor RawJobs {
    typealias Job = @Sendable () async -> Void
    private let connector: any SourceConnector
    private let listing: (any AccountDiscovery)?
    private let configured: AccountList
    private var position = 0

    init(_ source: SourceConfiguration, http: SourceHTTPClient) {
        connector = source.connector(http: http, clock: SystemClock())
        listing = connector.discovery()
        configured = source.accounts
    }

    func next() async -> [Job]? {
        if let listing, let page = await listing.next() { return page.map { job($0.key) } }
        guard position < configured.count else { return nil }
        let chunk = configured[position..<min(position + 256, configured.count)]
        position += chunk.count
        return chunk.map(job)
    }

    private nonisolated func job(_ key: AccountKey) -> Job {
        let connector = connector
        return {
            _ = try? await connector.fetch(key)
            _ = try? await connector.movements(of: key, after: nil)
        }
    }
}

/// The result table.
enum Table {
    static let columns = ["scenario", "size", "ours", "limit", "ratio", "peak_rss"]

    static func render(_ rows: [[String: String]], json: Bool, runs: Int) -> String {
        if json {
            let data = try? JSONSerialization.data(
                withJSONObject: ["runs": runs, "rows": rows], options: [.prettyPrinted, .sortedKeys])
            return String(decoding: data ?? Data(), as: UTF8.self)
        }
        let widths = columns.map { column in max(column.count, rows.map { $0[column]?.count ?? 0 }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        var lines = [line(columns), line(widths.map { String(repeating: "-", count: $0) })]
        lines += rows.map { row in line(columns.map { row[$0] ?? "" }) }
        lines.append("each figure: median of \(runs) measured run(s) after one warm-up; limit measured in the same run")
        lines.append("ratio = the limit's time / ours (1.00 = as fast as the limit; for latency targets, target / p95)")
        return lines.joined(separator: "\n")
    }
}
