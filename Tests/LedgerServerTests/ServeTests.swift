import AsyncHTTPClient
import NIOCore
import Foundation
import LedgerCore
import LedgerReports
import LedgerServer
import LedgerSimulator
import LedgerStore
import LedgerSync
import LedgerTestSupport
import Testing

@Suite("serve: schedule, API, access")
struct ServeTests {
    @Test("The first sync runs at startup on a new ledger; the next after the interval (±10 %), never two at once")
    func schedule() async throws {
        let sleeps = ControlledSleep()
        try await ServeHarness.with(sleep: sleeps.sleep) { harness in
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            #expect(try await harness.eventually { await sleeps.pending == 1 })
            let wait = try #require(await sleeps.requested.last)
            #expect(wait >= .seconds(3240) && wait <= .seconds(3960), "\(wait)")
            #expect(try harness.count("SELECT count(*) FROM sync_run") == 1)
            await sleeps.release()
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2
                })
            let status = await harness.server.scheduler.currentStatus()
            #expect(status.lastOutcome == "complete" && status.consecutiveFailures == 0)
        }
    }

    @Test("A ledger synced within the interval waits out the rest before its first scheduled run")
    func noStartupRunWhenFresh() async throws {
        let sleeps = ControlledSleep()
        try await ServeHarness.with(sleep: sleeps.sleep) { (first: ServeHarness) async throws in
            #expect(
                try await first.eventually {
                    try first.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
        }
        // A second server on a fresh harness cannot share the ledger; the rule is checked on the scheduler itself.
        let ran = Counter()
        let scheduler = SyncScheduler(
            every: .seconds(600), clock: SteppedClock(Instant(millisecondsSinceEpoch: 1_000_000)), sleep: sleeps.sleep,
            jitter: { $0 }, lastRunStartedAt: { Instant(millisecondsSinceEpoch: 1_000_000 - 120_000) },
            runner: { _ in
                await ran.add()
                return .complete
            }, logger: .init(label: "test"))
        let task = Task { try await scheduler.run() }
        #expect(try await eventually { await sleeps.requested.contains(.seconds(480)) })
        #expect(await ran.value == 0)
        #expect(await scheduler.requestRun() == .started)
        #expect(try await eventually { await ran.value == 1 })
        task.cancel()
    }

    /// Asks `/api/v1/<kind>?<query>` and expects exactly what `query <kind> --format json` prints now.
    @discardableResult
    static func expectQueryAnswer(
        _ harness: ServeHarness, _ reader: LedgerReader, _ kind: QueryKind, _ query: String, token: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let answer = try await harness.request("/api/v1/\(kind.rawValue)?\(query)", token: token)
        #expect(answer.status == 200, "\(kind): \(answer.body)", sourceLocation: sourceLocation)
        let pairs = query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (name: parts[0], value: parts[1])
        }
        let expected = try await QueryRunner.run(
            kind, reader: reader, options: QueryParameters.options(for: kind, pairs))
        let rows = try #require(answer.body.range(of: "{\"rows\":"), sourceLocation: sourceLocation).upperBound
        let next = expected.nextCursor.map { JSONValue.string($0).jsonText } ?? "null"
        #expect(
            String(answer.body[rows...]) == expected.text + ",\"next_after\":\(next)}", "\(kind)",
            sourceLocation: sourceLocation)
        return answer.body
    }

    @Test("A repeated question is answered from the last read only until the ledger changes")
    func answersFollowCommits() async throws {
        try await ServeHarness.with(
            serve: "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"\ntoken_env = \"SERVE_TOKEN\""
        ) { harness in
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            #expect(try await harness.eventually { await !harness.server.scheduler.currentStatus().running })
            let reader = try LedgerReader.open(path: harness.databasePath)
            defer { try? reader.close() }
            let queries: [(QueryKind, String)] = [
                (.balances, "limit=100"), (.totals, ""), (.history, "account=1001"), (.runs, ""),
            ]
            let token = "serve-token-3f9c2a"
            var before: [String] = []
            for (kind, query) in queries {
                let first = try await Self.expectQueryAnswer(harness, reader, kind, query, token: token)
                #expect(try await harness.request("/api/v1/\(kind.rawValue)?\(query)", token: token).body == first)
                before.append(first)
            }
            // Every balance changes at the source; a sync on demand records it.
            harness.simulator.simulator.world.advance(seconds: 3_600)
            #expect(try await harness.request("/api/v1/sync", method: .POST, token: token).status == 202)
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2
                })
            for ((kind, query), old) in zip(queries, before) {
                let now = try await Self.expectQueryAnswer(harness, reader, kind, query, token: token)
                #expect(now != old, "\(kind) still answers what it read before the sync")
            }
        }
    }

    @Test("With a token: 401 without it or with a wrong one, 200 with it; sync on demand 202, then 409 while it runs")
    func tokenAndSyncNow() async throws {
        let gate = Gate()
        let runs = Counter()
        try await ServeHarness.with(
            serve: "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"\ntoken_env = \"SERVE_TOKEN\"",
            runner: { _ in
                await runs.add()
                await gate.wait()
                return .complete
            }
        ) { harness in
            let token = "serve-token-3f9c2a"
            #expect(try await harness.request("/api/v1/status").status == 401)
            let wrong = try await harness.request("/metrics", token: "serve-token-3f9c2b")
            #expect(wrong.status == 401)
            #expect(wrong.headers.contains { $0.0 == "www-authenticate" && $0.1.hasPrefix("Bearer") })
            #expect(try await harness.request("/healthz").status == 200)
            #expect(try await harness.request("/api/v1/status", token: token).status == 200)
            // The startup sync is held running by the gate: a request for another is refused.
            #expect(try await harness.eventually { await runs.value == 1 })
            #expect(try await harness.request("/api/v1/sync", method: .POST, token: token).status == 409)
            #expect(try await harness.request("/api/v1/sync", method: .POST).status == 401)
            await gate.open()
            #expect(try await harness.eventually { await !harness.server.scheduler.currentStatus().running })
            let started = try await harness.request("/api/v1/sync", method: .POST, token: token)
            #expect(started.status == 202, "\(started.body)")
            #expect(try await harness.eventually { await runs.value == 2 })
        }
    }

    @Test("Without a token, nobody may start a sync, and no address but loopback is accepted")
    func loopbackOnly() async throws {
        try await ServeHarness.with { (harness: ServeHarness) async throws in
            #expect(try await harness.request("/api/v1/sync", method: .POST).status == 403)
        }
        let directory = try TemporaryDirectory()
        var configuration = ServeConfiguration(
            sync: SyncConfiguration(storePath: directory.file("l.sqlite"), sources: []))
        configuration.serve.host = "0.0.0.0"
        #expect(throws: LedgerServer.StartError.self) {
            try buildApplication(
                configuration: configuration, environment: ServeEnvironment(logger: .init(label: "test")))
        }
    }
}

/// A count shared between a test and a runner.
actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

/// Holds runners until the test opens it.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

@Suite("serve: shutdown, secrets, escaping, load")
struct ServeSafetyTests {
    @Test("SIGTERM mid-sync: the binary exits 0, no run is left running, the ledger's integrity holds")
    func sigtermMidSync() async throws {
        try await RunningSimulator.with(SimulatorConfiguration(modelRouterClients: 40, changePercent: 100)) {
            simulator in
            // Every balance answers after 400 ms: the sync is surely running when the signal comes.
            simulator.simulator.faults.add(FaultRule(.slow, source: .modelRouter, delayMilliseconds: 400))
            let directory = try TemporaryDirectory()
            let config = directory.file("ledgersync.toml")
            try """
            [store]
            path = "ledger.sqlite"

            [sources.mr]
            kind = "modelrouter"
            base_url = "\(simulator.baseURL)"
            access_key_id_env = "MR_AK"
            access_key_secret_env = "MR_SK"
            concurrency = 2
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try CLI.binary())
            process.arguments = ["serve", "--config", config, "--listen", "127.0.0.1:0"]
            process.environment = ProcessInfo.processInfo.environment.merging(ServeHarness.environment) { $1 }
            let log = directory.file("serve.log")
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = handle
            process.standardOutput = handle
            try process.run()
            let database = directory.file("ledger.sqlite")
            func status() -> String? {
                guard let reader = try? LedgerReader.open(path: database) else { return nil }
                defer { try? reader.close() }
                guard
                    case .text(let text)? = try? reader.sql("SELECT status FROM sync_run ORDER BY id DESC LIMIT 1").rows
                        .first?.first
                else { return nil }
                return text
            }
            #expect(try await eventually { status() == "running" })
            // Stop it once the first accounts have landed (and the rest are still in flight).
            func versions() -> Int64 {
                guard let reader = try? LedgerReader.open(path: database) else { return 0 }
                defer { try? reader.close() }
                guard
                    case .integer(let count)? = try? reader.sql("SELECT count(*) FROM balance_version").rows.first?
                        .first
                else { return 0 }
                return count
            }
            #expect(try await eventually { versions() > 0 })
            process.terminate()
            try await CLI.exit(of: process, started: true)
            try handle.close()
            let output = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(output)")
            let reader = try LedgerReader.open(path: database)
            defer { try? reader.close() }
            #expect(
                try reader.sql("SELECT count(*) FROM sync_run WHERE status = 'running'").rows.first?.first
                    == .integer(0))
            #expect(
                try reader.sql("SELECT status FROM sync_run ORDER BY id DESC LIMIT 1").rows.first?.first
                    == .text("interrupted"))
            #expect(try reader.sql("PRAGMA integrity_check").rows.first?.first == .text("ok"))
            #expect(
                try reader.sql("SELECT count(*) FROM balance_version").rows.first?.first != .integer(40),
                "stopped early")
        }
    }

    @Test("No secret appears in any answer, metric or log line; hostile names come out escaped")
    func secretsAndEscaping() async throws {
        let hostile = "<img src=x onerror=alert(1)>\"quoted\"\\back\nline=cmd|' /C calc'!A0"
        try await ServeHarness.with(serve: "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"\ntoken_env = \"SERVE_TOKEN\"")
        {
            (harness: ServeHarness) async throws in
            let token = "serve-token-3f9c2a"
            harness.simulator.simulator.world.setClientName(1001, hostile)
            #expect(
                try await harness.eventually {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            var bodies: [String] = []
            for path in [
                "/api/v1/balances", "/api/v1/history?account=1001", "/api/v1/changes", "/api/v1/conflicts",
                "/api/v1/runs", "/api/v1/errors", "/api/v1/movements", "/api/v1/totals", "/api/v1/status",
                "/api/v1/reconciliation?from=2025-12-01&to=2026-02-01", "/metrics", "/api/v1/openapi.json",
                "/api/v1/balances?limit=0", "/nothing",
            ] {
                bodies.append(try await harness.request(path, token: token).body)
            }
            bodies.append(try await harness.request("/api/v1/balances", token: "wrong").body)
            for secret in ServeHarness.secrets {
                #expect(!bodies.contains { $0.contains(secret) }, "\(secret) in an answer")
                #expect(!harness.logs.all.contains { $0.contains(secret) }, "\(secret) in the log")
            }
            // JSON: the name is one string value, its quote, backslash and line feed escaped.
            let balances = try await harness.request("/api/v1/balances?account=1001", token: token).body
            guard case .object(let root) = try JSONValue.parse(balances), case .array(let rows)? = root["rows"],
                case .object(let row)? = rows.first
            else {
                Issue.record("not rows: \(balances)")
                return
            }
            #expect(row["name"] == .string(hostile))
            // Metrics: one line per sample; the name is a label value with \\, \" and \n escaped.
            let metrics = try await harness.request("/metrics", token: token).body
            let escaped = "name=\"<img src=x onerror=alert(1)>\\\"quoted\\\"\\\\back\\nline=cmd|' /C calc'!A0\""
            #expect(metrics.contains(escaped), "\(metrics.split(separator: "\n").filter { $0.contains("1001") })")
            #expect(!metrics.contains("\nline=cmd"))
        }
    }

    @Test("Fifty clients read while a sync writes: every answer is a 200")
    func readersDuringSync() async throws {
        try await ServeHarness.with(
            SimulatorConfiguration(modelRouterClients: 300, changePercent: 100),
            serve: "listen = \"127.0.0.1:0\"\nsync_every = \"1h\"\ntoken_env = \"SERVE_TOKEN\"\nrequests_per_second = 0"
        ) {
            (harness: ServeHarness) async throws in
            let token = "serve-token-3f9c2a"
            #expect(
                try await harness.eventually(seconds: 60) {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 1
                })
            #expect(
                try await harness.eventually(seconds: 60) {
                    await !harness.server.scheduler.currentStatus().running
                })
            harness.simulator.simulator.world.advance(seconds: 3_600)
            harness.simulator.simulator.faults.add(FaultRule(.slow, source: .modelRouter, delayMilliseconds: 20))
            #expect(try await harness.request("/api/v1/sync", method: .POST, token: token).status == 202)
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for client in 0..<50 {
                    group.addTask {
                        var statuses: [Int] = []
                        for round in 0..<6 {
                            let path = ["/api/v1/balances?limit=100", "/metrics", "/api/v1/runs"][(client + round) % 3]
                            statuses.append(try await harness.request(path, token: token).status)
                        }
                        return statuses
                    }
                }
                var all: [Int] = []
                for try await statuses in group { all += statuses }
                return all
            }
            #expect(statuses.count == 300 && statuses.allSatisfy { $0 == 200 }, "\(Set(statuses))")
            #expect(
                try await harness.eventually(seconds: 60) {
                    try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'") == 2
                })
        }
    }
}
