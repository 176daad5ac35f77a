import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSources
import LedgerSimulator
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync demo`: the simulator in-process on a free loopback port, a demo config with a private secrets file,
/// and several sync rounds over simulated time, so that history, movements and conflicts appear.
public struct DemoRunner: Sendable {
    /// Where the demo writes its config, secrets, ledger and report.
    public let directory: String
    /// How the printed commands start, so that they run as shown.
    public let invocation: CommandLineInvocation
    /// A PostgreSQL database to sync into instead of a SQLite file in ``directory`` (libpq's URL, no password: it
    /// comes from `PGPASSWORD`).
    public let storeURL: String?
    let logger: Logger
    let clock: any LedgerClock

    /// A demo into `directory`; `clock` stamps the ledger's recorded times.
    public init(
        directory: String, storeURL: String? = nil,
        invocation: CommandLineInvocation = CommandLineInvocation(prefix: "ledgersync"),
        clock: any LedgerClock = SystemClock(), logger: Logger
    ) {
        self.directory = directory
        self.storeURL = storeURL
        self.invocation = invocation
        self.clock = clock
        self.logger = logger
    }

    /// Why the demo cannot write into the PostgreSQL database it was given.
    public struct DatabaseInUse: Error, CustomStringConvertible {
        /// The database.
        public let store: String
        public var description: String {
            "\(store) holds a ledger already; the demo writes into an empty database (create one, e.g. "
                + "`createdb ledgersync_demo`), and never into a ledger that has history"
        }
    }

    /// What the demo produced.
    public struct Result: Sendable {
        /// The config it wrote.
        public var configPath: String
        /// The ledger it synced.
        public var databasePath: String
        /// Each sync round's report.
        public var rounds: [SyncReport]
        /// A report period that holds everything the demo synced: from the first simulated day (inclusive) to
        /// tomorrow (exclusive), as `YYYY-MM-DD` for `export` and `check`.
        public var period: (from: String, to: String)
        /// The simulator, still serving, when the demo was asked to keep it (`demo --serve`).
        public var live: LiveSimulator?
    }

    /// The demo's simulator kept running after the demo, so that `serve` has sources to sync from and balances
    /// keep moving.
    public struct LiveSimulator: Sendable {
        let simulator: Simulator

        /// Advances simulated time by `step` every `interval` of real time until the task is cancelled: the
        /// sources' balances keep changing, as real ones do, and every sync of `serve` finds something new.
        public func tick(every interval: Duration, step: Int64) async {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                simulator.world.advance(seconds: step)
            }
        }

        /// Stops the simulator.
        public func stop() async {
            await simulator.stop()
        }
    }

    /// Runs the demo.
    /// - Parameters:
    ///   - keepSimulator: Leave the simulator serving and return it in ``Result/live`` (the caller stops it).
    ///   - say: Receives each line to show the user.
    /// - Returns: The paths and every round's report.
    /// - Throws: ``ConfigError``, ``StoreError`` or a simulator start failure.
    public func run(keepSimulator: Bool = false, say: @Sendable (String) -> Void) async throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var databasePath = URL(fileURLWithPath: directory).appendingPathComponent("ledger.sqlite").path
        let environment = ProcessInfo.processInfo.environment
        if let storeURL {
            let location: PostgresLocation
            switch try StoreLocation.postgres(
                url: storeURL, secrets: environment, file: "--store-url", key: "--store-url")
            {
            case .postgres(let parsed): location = parsed
            case .sqlite: throw ConfigError(file: "--store-url", key: "--store-url", problem: "not a PostgreSQL URL")
            }
            // The demo's history is invented: it never goes into a database that holds a ledger.
            let status = try await PostgresLedger.migrationStatus(location: location, logger: logger)
            guard !status.contains(where: { $0.state != .pending }) else {
                throw DatabaseInUse(store: location.description)
            }
            databasePath = location.description
        } else {
            for suffix in ["", "-wal", "-shm", ".lock"] {
                try? FileManager.default.removeItem(atPath: databasePath + suffix)
            }
        }
        // Simulated time starts 30 days ago, so every gmtModified stays in the past.
        let today = clock.now().utcDate
        let start = Instant(year: today.year, month: today.month, day: today.day).adding(seconds: -30 * 86_400)
        let simulator = Simulator(
            configuration: SimulatorConfiguration(
                seed: 2026, modelRouterClients: 6, dmsOrgs: 4, twccProjects: 2, childWalletsPerProject: 2,
                start: start, changePercent: 100),
            logger: Logger(label: "ledgersync-sim") { _ in SwiftLogNoOpLogHandler() })
        let port = try await simulator.start()
        say("simulator serving ModelRouter, DMS credit and TWCC wallets on http://127.0.0.1:\(port)")
        do {
            let configPath = try writeConfig(port: port)
            // A PostgreSQL password comes from the environment (PGPASSWORD); the sources' secrets from the file.
            let configuration = try SyncConfiguration.load(
                path: configPath, environment: storeURL == nil ? [:] : environment)
            var rounds: [SyncReport] = []
            func sync(_ title: String) async throws {
                say("\n== \(title) (simulated time \(simulator.world.now.iso8601))")
                switch try await SyncCommandRunner.run(configuration: configuration, clock: clock, logger: logger) {
                case .finished(let report):
                    rounds.append(report)
                    say(report.summary)
                case .locked(let held):
                    throw held
                case .sourceLocked(let held):
                    throw held
                }
            }
            try await sync("round 1: first sync")
            try await sync("round 2: nothing changed at the sources")
            simulator.world.advance(seconds: 86_400)
            simulator.world.advance(seconds: 86_400)
            try await sync("round 3: two simulated days later")
            // A late answer (an older gmtModified this ledger never saw) and a same-time answer with other content.
            simulator.faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 1))
            simulator.faults.add(
                FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1002", times: 1))
            try await sync("round 4: a late arrival and a same-timestamp conflict")
            simulator.world.advance(seconds: 86_400)
            try await sync("round 5: one more day")
            if !keepSimulator { await simulator.stop() }
            // Every valid time is simulated (gmtModified, and the Date header DMS and TWCC versions are valid
            // from), so the period runs from the simulated start to the day after the last simulated round.
            let period = (from: Self.day(start), to: Self.day(simulator.world.now.adding(seconds: 86_400)))
            let report = URL(fileURLWithPath: directory).appendingPathComponent("report").path
            let run = invocation.prefix
            let ledger =
                storeURL.map { "--store-url " + CommandLineInvocation.shellQuoted($0) }
                ?? "--db " + CommandLineInvocation.shellQuoted(databasePath)
            let span = "--from \(period.from) --to \(period.to)"
            say(
                """

                The ledger is \(databasePath)
                Try:
                  \(run) query balances \(ledger)
                  \(run) query history \(ledger) --source modelrouter
                  \(run) query conflicts \(ledger)
                  \(run) query movements \(ledger) --format json
                  \(run) query totals \(ledger)
                  \(run) query sql \(ledger) "SELECT kind, count(*) FROM account GROUP BY kind"
                  \(run) export \(ledger) \(span) --out \(CommandLineInvocation.shellQuoted(report))
                  \(run) check \(ledger) \(span)
                  \(run) migrate --status \(ledger)
                """)
            return Result(
                configPath: configPath, databasePath: databasePath, rounds: rounds, period: period,
                live: keepSimulator ? LiveSimulator(simulator: simulator) : nil)
        } catch {
            await simulator.stop()
            throw error
        }
    }

    /// `YYYY-MM-DD` of an instant's UTC date: the date part of its ISO-8601 form.
    static func day(_ instant: Instant) -> String {
        String(instant.iso8601.prefix(10))
    }

    /// Writes the demo's secrets file (mode 0600) and config.
    func writeConfig(port: Int) throws -> String {
        let base = URL(fileURLWithPath: directory)
        let secretsPath = base.appendingPathComponent("secrets.env").path
        // Born 0600 so the secrets are never readable by others; if this fails, the write below throws the reason.
        _ = FileManager.default.createFile(atPath: secretsPath, contents: nil, attributes: [.posixPermissions: 0o600])
        try Data(
            """
            # Credentials of the simulator; a real deployment sets these in the environment instead.
            DEMO_MR_AK=sim-access-key-id
            DEMO_MR_SK=sim-access-key-secret
            DEMO_DMS_TOKEN=sim-dms-token
            DEMO_TWCC_ACCOUNT=sim-user
            DEMO_TWCC_PASSWORD=sim-password

            """.utf8
        ).write(to: URL(fileURLWithPath: secretsPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretsPath)
        let configPath = base.appendingPathComponent("ledgersync.toml").path
        try Data(
            """
            # Written by `ledgersync demo`: three sources on the in-process simulator.
            secrets_file = "secrets.env"

            [store]
            \(storeURL.map { "url = \(Self.tomlString($0))" } ?? "path = \"ledger.sqlite\"")

            [sources.modelrouter]
            kind = "modelrouter"
            base_url = "http://127.0.0.1:\(port)"
            unit = "CNY"
            discover = true
            access_key_id_env = "DEMO_MR_AK"
            access_key_secret_env = "DEMO_MR_SK"
            concurrency = 4

            [sources.dms]
            kind = "dms_credit"
            base_url = "http://127.0.0.1:\(port)"
            unit = "CNY"
            discover = false
            orgs = [101, 102, 103, 104]
            token_env = "DEMO_DMS_TOKEN"

            [sources.twcc]
            kind = "twcc_wallet"
            base_url = "http://127.0.0.1:\(port)"
            discover = true
            projects = ["MST000001", "MST000002"]
            account_env = "DEMO_TWCC_ACCOUNT"
            password_env = "DEMO_TWCC_PASSWORD"

            """.utf8
        ).write(to: URL(fileURLWithPath: configPath))
        return configPath
    }

    /// A TOML basic string.
    static func tomlString(_ text: String) -> String {
        var output = ""
        JSONValue.writeString(text, to: &output)
        return output
    }
}
