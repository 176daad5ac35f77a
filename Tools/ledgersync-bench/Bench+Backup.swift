import ArgumentParser
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Logging

/// A row of seconds against seconds: the ratio is the limit's median over ours.
func secondsRow(
    _ scenario: String, size: String, ours: [Double], limit: [Double], limitName: String, rss: [Int]
) -> [String: String] {
    [
        "scenario": scenario, "size": size, "ours": String(format: "%.2f s", median(ours)),
        "limit": String(format: "%.2f s (%@)", median(limit), limitName),
        "ratio": String(format: "%.2f", median(limit) / median(ours)),
        "peak_rss": String(format: "%.1f MiB", Double(rss.max() ?? 0) / 1024),
    ]
}

extension Run {
    /// Backups and verification: `backup` of a 1M-version ledger against `sqlite3 .backup`, and on a synced ledger
    /// (raw responses, a chain) `verify --quick` against `PRAGMA integrity_check` and `verify` against `rebuild`.
    func backupScenarios(versionAccounts: Int, syncAccounts: Int, runs: Int) async throws -> [[String: String]] {
        let work = try workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let shell = try sqlite3()
        var rows: [[String: String]] = []

        // The store of 10 versions per account that the query scenarios read.
        let versions = work + "/versions.sqlite"
        _ = try checked(
            measureSelf(["seed-versions", "--db", versions, "--accounts", "\(versionAccounts)", "--versions", "10"]))
        let bytes = (try FileManager.default.attributesOfItem(atPath: versions)[.size] as? Int) ?? 0
        var ours: [Double] = []
        var copyOnly: [Double] = []
        var withChecks: [Double] = []
        var rss: [Int] = []
        for run in -1..<runs {
            for name in ["/ours.sqlite", "/ours.sqlite.manifest.json", "/shell.sqlite"] {
                try? FileManager.default.removeItem(atPath: work + name)
            }
            let measured = try checked(
                measureSelf(["backup-once", "--db", versions, "--to", work + "/ours.sqlite"]))
            // The limit: the shell's copy alone, and the shell's copy with the checks a backup makes (integrity_check
            // of the copy, its SHA-256).
            let copy = try checked(measure(shell, [versions, ".backup \(work)/shell.sqlite"]))
            let integrity = try checked(measure(shell, [work + "/shell.sqlite", "PRAGMA integrity_check"]))
            let digest = try checked(measure("/usr/bin/sha256sum", [work + "/shell.sqlite"]))
            guard run >= 0 else { continue }
            ours.append(measured.seconds)
            rss.append(measured.peakRSSKiB)
            copyOnly.append(copy.seconds)
            withChecks.append(copy.seconds + integrity.seconds + digest.seconds)
        }
        let copySize = "\(versionAccounts * 10) versions, \(bytes / 1_048_576) MiB"
        rows.append(
            secondsRow(
                "backup against the copy alone (goal ≥ 0.80)", size: copySize, ours: ours, limit: copyOnly,
                limitName: "sqlite3 .backup", rss: rss))
        rows.append(
            secondsRow(
                "backup against the copy with its checks", size: copySize, ours: ours, limit: withChecks,
                limitName: ".backup, integrity_check, sha256sum", rss: rss))

        // A ledger synced from the simulator: every version from a raw response, every response in the chain.
        let clients = syncAccounts * 4 / 10
        let orgs = syncAccounts * 3 / 10
        let projects = max(1, syncAccounts * 3 / 100)
        let simulator = try startSimulator(clients: clients, orgs: orgs, projects: projects)
        let config = try writeConfig(directory: work, port: simulator.port, orgs: orgs, projects: projects)
        _ = try checked(measureSelf(["sync-once", "--config", config]))
        simulator.terminate()
        let ledger = work + "/ledger.sqlite"
        let size = "\(clients + orgs + projects * 10) accounts, synced"
        var quick: [Double] = []
        var integrity: [Double] = []
        var full: [Double] = []
        var rebuild: [Double] = []
        var quickRSS: [Int] = []
        var fullRSS: [Int] = []
        for run in -1..<runs {
            let q = try checked(measureSelf(["verify-once", "--config", config, "--quick"]))
            let i = try checked(measure(shell, [ledger, "PRAGMA integrity_check"]))
            let f = try checked(measureSelf(["verify-once", "--config", config]))
            let r = try checked(measureSelf(["rebuild-once", "--config", config]))
            guard run >= 0 else { continue }
            quick.append(q.seconds)
            quickRSS.append(q.peakRSSKiB)
            integrity.append(i.seconds)
            full.append(f.seconds)
            fullRSS.append(f.peakRSSKiB)
            rebuild.append(r.seconds)
            FileHandle.standardError.write(Data("verify run \(run + 1)/\(runs) done\n".utf8))
        }
        rows.append(
            secondsRow(
                "verify --quick (checks, chain walk; goal ≥ 0.67)", size: size, ours: quick, limit: integrity,
                limitName: "PRAGMA integrity_check", rss: quickRSS))
        rows.append(
            secondsRow(
                "verify (re-derive and compare; goal ≥ 0.50)", size: size, ours: full, limit: rebuild,
                limitName: "ledgersync rebuild", rss: fullRSS))
        return rows
    }
}

/// Child: `ledgersync backup`.
struct BackupOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup-once", shouldDisplay: false)
    @Option var db: String
    @Option var to: String

    func run() async throws {
        _ = try LedgerBackup.write(from: db, to: to, clock: SystemClock())
    }
}

/// Child: `ledgersync verify` (`--quick`), which must find the ledger clean.
struct VerifyOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-once", shouldDisplay: false)
    @Option var config: String
    @Flag var quick = false

    func run() async throws {
        let configuration = try SyncConfiguration.load(path: config, environment: benchEnvironment)
        let findings: [VerifyFinding]
        if quick {
            findings = try LedgerVerifier.quick(path: configuration.storePath).findings
        } else {
            findings = try await FullVerifier(
                configuration: configuration, scratchDirectory: FileManager.default.temporaryDirectory.path,
                logger: quietLogger
            ).run(path: configuration.storePath, expectHead: nil).findings
        }
        guard findings.isEmpty else { throw BenchError("verify found \(findings.count): \(findings.prefix(3))") }
    }
}

/// Child: `ledgersync rebuild`.
struct RebuildOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rebuild-once", shouldDisplay: false)
    @Option var config: String

    func run() async throws {
        let configuration = try SyncConfiguration.load(path: config, environment: benchEnvironment)
        let database = try LedgerDatabase.open(path: configuration.storePath, logger: quietLogger)
        _ = try await Rebuilder(configuration: configuration, database: database, logger: quietLogger).run()
        try database.close()
    }
}
