import Foundation
import LedgerCore

/// The sqlite3 command-line shell, the limit for the store and export scenarios.
let sqlite3Path = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

extension Run {
    func workDirectory() throws -> String {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return work
    }

    func sqlite3() throws -> String {
        guard let sqlite3Path else { throw BenchError("the sqlite3 shell is not installed (apt-get install sqlite3)") }
        return sqlite3Path
    }

    /// Scenario 2: observations through the real write path against `.import` of the same rows as CSV.
    func writeScenario(accounts: Int, rounds: Int, runs: Int) throws -> [String: String] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let csv = work + "/observations.csv"
        try writeImportCSV(path: csv, accounts: accounts, rounds: rounds)
        let shell = try sqlite3()
        var ours: [Double] = []
        var limit: [Double] = []
        var rss: [Int] = []
        for run in -1..<runs {
            for file in ["/store.sqlite", "/import.sqlite"] { try? FileManager.default.removeItem(atPath: work + file) }
            let measured = try checked(
                measureSelf([
                    "write-path", "--db", work + "/store.sqlite", "--accounts", "\(accounts)", "--rounds", "\(rounds)",
                ]))
            _ = try checked(
                measure(
                    shell,
                    [
                        work + "/import.sqlite",
                        "CREATE TABLE observation (account_key TEXT NOT NULL, valid_from INTEGER NOT NULL, unit TEXT NOT NULL, available_balance_whole INTEGER, available_balance_nanos INTEGER, content_hash TEXT NOT NULL) STRICT",
                    ]))
            let imported = try checked(measure(shell, [work + "/import.sqlite", ".import --csv \(csv) observation"]))
            guard run >= 0 else { continue }  // warm-up
            ours.append(measured.seconds)
            rss.append(measured.peakRSSKiB)
            limit.append(imported.seconds)
            FileHandle.standardError.write(Data("write path run \(run + 1)/\(runs) done\n".utf8))
        }
        let total = Double(accounts * rounds)
        return [
            "scenario": "store write path", "size": "\(accounts * rounds) observations, 10% changed",
            "ours": String(format: "%.0f obs/s", total / median(ours)),
            "limit": String(format: "%.0f rows/s (sqlite3 .import)", total / median(limit)),
            "ratio": String(format: "%.2f", median(limit) / median(ours)),
            "peak_rss": String(format: "%.1f MiB", Double(rss.max() ?? 0) / 1024),
        ]
    }

    /// The PostgreSQL store's write path against `COPY` of the same rows into a plain table (psql's `\copy`), in
    /// the same run.
    func writePostgresScenario(server: String, accounts: Int, rounds: Int, runs: Int) throws -> [String: String] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let csv = work + "/observations.csv"
        try writeImportCSV(path: csv, accounts: accounts, rounds: rounds)
        let database = try PostgresBenchDatabase(server: server, config: "")
        defer { try? database.drop() }
        let url = PostgresBenchDatabase.url(server)
        var ours: [Double] = []
        var limit: [Double] = []
        var rss: [Int] = []
        for run in -1..<runs {
            try database.recreate()
            let measured = try checked(
                measureSelf([
                    "write-path-postgres", "--url", url, "--accounts", "\(accounts)", "--rounds", "\(rounds)",
                ]))
            try database.recreate()
            try database.psql(
                "CREATE TABLE observation (account_key text NOT NULL, valid_from bigint NOT NULL, unit text NOT NULL, "
                    + "available_balance_whole bigint, available_balance_nanos integer, content_hash text NOT NULL)",
                database: url)
            let copied = try checked(
                measure(
                    "/usr/bin/env",
                    [
                        "psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", url, "-c",
                        "\\copy observation FROM '\(csv)' WITH (FORMAT csv)",
                    ]))
            guard run >= 0 else { continue }  // warm-up
            ours.append(measured.seconds)
            rss.append(measured.peakRSSKiB)
            limit.append(copied.seconds)
            FileHandle.standardError.write(Data("PostgreSQL write path run \(run + 1)/\(runs) done\n".utf8))
        }
        let total = Double(accounts * rounds)
        return [
            "scenario": "store write path (PostgreSQL)", "size": "\(accounts * rounds) observations, 10% changed",
            "ours": String(format: "%.0f obs/s", total / median(ours)),
            "limit": String(format: "%.0f rows/s (psql \\copy)", total / median(limit)),
            "ratio": String(format: "%.2f", median(limit) / median(ours)),
            "peak_rss": String(format: "%.1f MiB", Double(rss.max() ?? 0) / 1024),
        ]
    }

    /// Scenario 3: as-of latencies on a store of `accounts × versions` versions.
    func queryScenarios(accounts: Int, versions: Int, runs: Int) throws -> [[String: String]] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = work + "/versions.sqlite"
        _ = try checked(
            measureSelf(["seed-versions", "--db", db, "--accounts", "\(accounts)", "--versions", "\(versions)"]))
        // Warm-up.
        _ = try asOfLatencies(db: db, accounts: accounts, versions: versions, samples: 200, sourceSamples: 1)
        var one: [Double] = []
        var source: [Double] = []
        var plans: [String] = []
        for _ in 0..<runs {
            let measured = try asOfLatencies(
                db: db, accounts: accounts, versions: versions, samples: 2_000, sourceSamples: 5)
            one += measured.one
            source += measured.source
            plans = measured.plans
        }
        // The limit for a whole source: the sqlite3 shell running the same as-of SQL, output discarded.
        let instant = Instant(year: 2026, month: 10, day: 1).millisecondsSinceEpoch + Int64(versions / 2) * 86_400_000
        let sql = """
            SELECT a.account_key, v.available_balance_whole, v.available_balance_nanos, v.unit FROM source_instance AS s JOIN account AS a ON a.source_id = s.id
            JOIN balance_version AS v ON v.id = (SELECT id FROM balance_version WHERE account_id = a.id AND superseded_at IS NULL
            AND valid_from <= \(instant) ORDER BY valid_from DESC LIMIT 1) WHERE s.name = 'mr' ORDER BY s.name, a.account_key
            """
        var shellTimes: [Double] = []
        for _ in 0..<max(3, runs) {
            shellTimes.append(
                try checked(measure(try sqlite3(), ["-cmd", ".output /dev/null", db, sql])).seconds * 1000)
        }
        FileHandle.standardError.write(Data("query plans:\n  \(plans.joined(separator: "\n  "))\n".utf8))
        let size = "\(accounts * versions) versions, \(accounts) accounts"
        return [
            [
                "scenario": "as-of, one account", "size": size,
                "ours": String(format: "p50 %.2f ms, p95 %.2f ms", percentile(one, 50), percentile(one, 95)),
                "limit": "p95 5 ms (target)", "ratio": String(format: "%.2f", 5 / percentile(one, 95)), "peak_rss": "-",
            ],
            [
                "scenario": "as-of, whole source", "size": size,
                "ours": String(format: "p50 %.0f ms, p95 %.0f ms", percentile(source, 50), percentile(source, 95)),
                "limit": String(format: "%.0f ms (sqlite3 shell, same SQL)", median(shellTimes)),
                "ratio": String(format: "%.2f", median(shellTimes) / percentile(source, 50)), "peak_rss": "-",
            ],
        ]
    }

    /// Scenario 4: a CSV export of `accounts` accounts with `days` daily versions against `sqlite3 -csv`.
    func exportScenario(accounts: Int, days: Int, runs: Int) throws -> [String: String] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = work + "/export.sqlite"
        _ = try checked(
            measureSelf(["seed-versions", "--db", db, "--accounts", "\(accounts)", "--versions", "\(days)"]))
        let from = "2026-10-01T00:00:00Z"
        let to = "2026-10-\(String(format: "%02d", min(31, 1 + days)))T00:00:00Z"
        let sql = """
            SELECT s.name, a.account_key, a.display_name, v.unit, v.valid_from, v.valid_to, v.available_balance_whole,
                v.available_balance_nanos
            FROM source_instance AS s JOIN account AS a ON a.source_id = s.id JOIN balance_version AS v ON v.account_id = a.id
            WHERE v.superseded_at IS NULL ORDER BY s.name, a.account_key, v.valid_from
            """
        var ours: [Double] = []
        var limit: [Double] = []
        var rss: [Int] = []
        var limitRSS: [Int] = []
        for run in -1..<runs {
            try? FileManager.default.removeItem(atPath: work + "/out")
            let measured = try checked(
                measureSelf(["export-once", "--db", db, "--from", from, "--to", to, "--out", work + "/out"]))
            let shell = try checked(measure(try sqlite3(), ["-csv", "-cmd", ".output \(work)/dump.csv", db, sql]))
            guard run >= 0 else { continue }
            ours.append(measured.seconds)
            rss.append(measured.peakRSSKiB)
            limit.append(shell.seconds)
            limitRSS.append(shell.peakRSSKiB)
        }
        return [
            "scenario": "export (CSV)", "size": "\(accounts) accounts x \(days) days",
            "ours": String(format: "%.2f s", median(ours)),
            "limit": String(
                format: "%.2f s, %.1f MiB (sqlite3 -csv)", median(limit), Double(limitRSS.max() ?? 0) / 1024),
            "ratio": String(format: "%.2f", median(limit) / median(ours)),
            "peak_rss": String(format: "%.1f MiB", Double(rss.max() ?? 0) / 1024),
        ]
    }
}
