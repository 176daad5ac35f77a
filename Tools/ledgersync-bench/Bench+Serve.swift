import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

extension Run {
    /// Scenario 5: `serve` answering concurrent clients while it syncs: `GET /api/v1/balances?limit=100` against
    /// its 20 ms p95 target and `GET /metrics` against 500 ms (50 clients each), and the dashboard's overview page
    /// (50 accounts a page, in key order and lowest balance first) against 100 ms (4 clients: a team looking), on
    /// a ledger of `accounts` × `versions`.
    ///
    /// The server is the real `ledgersync serve` in its own process; it syncs from the simulator back to back
    /// (`sync_every = "1s"`), so every request meets a sync writing. The clients are this process: 50 tasks, each
    /// asking again as soon as it has its answer (a closed loop, as wrk does).
    func serveScenarios(accounts: Int, versions: Int, seconds: Int, runs: Int) async throws -> [[String: String]] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = work + "/ledger.sqlite"
        _ = try checked(
            measureSelf(["seed-versions", "--db", db, "--accounts", "\(accounts)", "--versions", "\(versions)"]))
        let simulator = try startSimulator(clients: max(200, accounts / 50), orgs: 0, projects: 0)
        defer { simulator.terminate() }
        let config = work + "/serve.toml"
        try Data(
            """
            [store]
            path = "ledger.sqlite"
            [serve]
            listen = "127.0.0.1:0"
            sync_every = "1s"
            requests_per_second = 0
            [sources.sim]
            kind = "modelrouter"
            base_url = "http://127.0.0.1:\(simulator.port)"
            access_key_id_env = "BENCH_AK"
            access_key_secret_env = "BENCH_SK"
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let server = try startServe(config: config)
        defer { server.terminate() }

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let rows = try await measureServe(
                client, port: server.port, accounts: accounts, versions: versions,
                seconds: seconds, runs: runs)
            try await client.shutdown()
            return rows
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func measureServe(
        _ client: HTTPClient, port: Int, accounts: Int, versions: Int, seconds: Int, runs: Int
    ) async throws -> [[String: String]] {
        let base = "http://127.0.0.1:\(port)"
        let runsBefore = try await syncRuns(client, base)
        var rows: [[String: String]] = []
        // The same page again is answered from the last read while the ledger has not changed; these are
        // questions never asked twice in a row: every page of the ledger in turn (pages of 100, then of 99, … rows
        // until there are 1,000), more than the server keeps, so each request reads the ledger.
        let distinct = try await distinctBalancePages(client, base, count: 1_000)
        for (paths, target, label, clients) in [
            (["/api/v1/balances?limit=100"], 20.0, "serve: balances?limit=100", 50),
            (distinct, 20.0, "serve: balances, \(distinct.count) different pages in turn", 50),
            (["/metrics"], 500.0, "serve: /metrics", 50),
            (["/"], 100.0, "serve: dashboard overview", 4),
            (["/?sort=balance&page=3"], 100.0, "serve: overview, lowest balance first", 4),
        ] {
            let urls = paths.map { base + $0 }
            _ = try await load(client, urls, clients: clients, seconds: 1)  // warm-up
            var latencies: [Double] = []
            var errors = 0
            for run in 0..<runs {
                let measured = try await load(client, urls, clients: clients, seconds: seconds)
                latencies += measured.latencies
                errors += measured.errors
                FileHandle.standardError.write(Data("\(label) run \(run + 1)/\(runs) done\n".utf8))
            }
            let p95 = percentile(latencies, 95)
            rows.append([
                "scenario": label + ", \(clients) clients, sync running",
                "size": "\(accounts) accounts, \(accounts * versions) versions",
                "ours": String(
                    format: "p95 %.1f ms, p50 %.1f ms, %.0f req/s, %d errors", p95, percentile(latencies, 50),
                    Double(latencies.count) / Double(seconds * runs), errors),
                "limit": String(format: "%.0f ms p95 target", target),
                "ratio": String(format: "%.2f", target / max(p95, 0.001)),
                "peak_rss": "-",
            ])
        }
        let runsAfter = try await syncRuns(client, base)
        guard runsAfter > runsBefore else {
            throw BenchError("no sync ran while the clients asked (runs before \(runsBefore), after \(runsAfter))")
        }
        return rows
    }

    /// How many runs the ledger holds, through the API.
    private func syncRuns(_ client: HTTPClient, _ base: String) async throws -> Int {
        let response = try await client.execute(
            HTTPClientRequest(url: base + "/api/v1/runs?limit=10000"), timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 64 << 20))
        return body.components(separatedBy: "{\"run\":").count - 1
    }

    /// `count` paths of `/api/v1/balances`, each a different question: the ledger's pages of 100 rows from the
    /// start (following `next_after`), then of 99, and so on.
    private func distinctBalancePages(_ client: HTTPClient, _ base: String, count: Int) async throws -> [String] {
        var paths: [String] = []
        var limit = 100
        while paths.count < count, limit > 0 {
            var path = "/api/v1/balances?limit=\(limit)"
            while paths.count < count {
                paths.append(path)
                let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(30))
                let body = String(buffer: try await response.body.collect(upTo: 64 << 20))
                guard let cursor = body.firstMatch(of: /"next_after":"([^"]+)"/)?.1 else { break }
                path = "/api/v1/balances?limit=\(limit)&after=\(cursor)"
            }
            limit -= 1
        }
        return paths
    }

    /// `clients` tasks asking back to back for `seconds`, all taking the `urls` in turn: each answer's latency in
    /// ms, and failures.
    private func load(
        _ client: HTTPClient, _ urls: [String], clients: Int, seconds: Int
    ) async throws
        -> (latencies: [Double], errors: Int)
    {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let turn = Turn()
        return await withTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    while ContinuousClock.now < deadline {
                        let url = urls[turn.next() % urls.count]
                        let start = ContinuousClock.now
                        do {
                            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 256 << 20)
                            if response.status.code != 200 { errors += 1 }
                        } catch {
                            errors += 1
                        }
                        let elapsed = ContinuousClock.now - start
                        latencies.append(
                            Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    }
                    return (latencies, errors)
                }
            }
            var all: [Double] = []
            var errors = 0
            for await (latencies, failed) in group {
                all += latencies
                errors += failed
            }
            return (all, errors)
        }
    }

    /// Hands out 0, 1, 2, … to concurrent clients.
    final class Turn: Sendable {
        private let counter = Atomic<Int>(0)
        func next() -> Int { counter.add(1, ordering: .relaxed).oldValue }
    }

    struct RunningServe {
        let process: Process
        let port: Int
        func terminate() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Starts `ledgersync serve` (the binary built beside this one) and reads its port from its log.
    func startServe(config: String) throws -> RunningServe {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("ledgersync")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("ledgersync is not built beside the bench (swift build -c release)")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(benchEnvironment) { $1 }
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        var text = ""
        while !text.contains("serving on") || !text.contains("\n") {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("serve did not start: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let match = text.firstMatch(of: /127\.0\.0\.1:(\d+)/), let port = Int(match.1) else {
            throw BenchError("serve did not say its port: \(text)")
        }
        // The log goes on; drain it so that serve never blocks on a full pipe.
        pipe.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        return RunningServe(process: process, port: port)
    }
}
