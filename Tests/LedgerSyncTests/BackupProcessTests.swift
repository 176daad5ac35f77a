import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerStore
import LedgerTestSupport
import Testing

/// `ledgersync backup` as a process: killed at random points, and out of disk space.
@Suite("Backups of the real binary: kill -9 and a full disk")
struct BackupProcessTests {
    /// A ledger large enough that a backup takes a while: 10,000 accounts of 10 versions each.
    static func largeLedger(_ directory: TemporaryDirectory) async throws -> String {
        let path = directory.file("ledger.sqlite")
        let database = try LedgerDatabase.open(path: path, logger: SyncHarness.quiet)
        try await database.seedSyntheticHistory(
            accounts: 10_000, versions: 10, from: Instant(year: 2026, month: 1, day: 1))
        try database.close()
        return path
    }

    static func fileDigest(_ path: String) throws -> String {
        sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test("kill -9 at random points of a backup: nothing at the final name unless the backup finished and checks")
    func killNine() async throws {
        let binary = try CLI.binary()
        let directory = try TemporaryDirectory()
        let ledger = try await Self.largeLedger(directory)
        let before = try Self.fileDigest(ledger)
        func launch(_ index: Int) throws -> Process {
            try CrashSafetyTests.launch(
                binary, ["backup", "--db", ledger, "--to", directory.file("backup-\(index).sqlite")])
        }
        var window = try await CrashSafetyTests.killWindow { try launch(900 + $0) }
        let seed = CrashSafetyTests.killSeed("kill -9 backup test", window: window)
        var points = SplitMix64(seed: seed)
        var killedMidway = 0
        // Until four kills have hit a running backup (at most 20 runs). The window was timed on three backups; one
        // that finishes before its kill point narrows it to its own time, so that a machine that got faster since
        // (less load, a warm cache: CI once saw 2 of 8) still gets its kills in.
        for index in 0..<20 where killedMidway < 4 {
            let process = try launch(index)
            let launched = ContinuousClock.now
            let killed = try await CrashSafetyTests.kill(process, within: window, points: &points)
            if !killed {
                let took = ContinuousClock.now - launched
                let milliseconds = took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000
                window = max(min(window, milliseconds * 8 / 10), 40)
            }
            let backup = directory.file("backup-\(index).sqlite")
            let manifest = LedgerBackup.manifestPath(backup)
            if killed && process.terminationStatus != 0 {
                killedMidway += 1
                // Killed before the rename: nothing at the name. Killed between the rename and the manifest: a
                // whole, checked backup without its manifest, which `check` still verifies.
                if FileManager.default.fileExists(atPath: backup) {
                    #expect(try LedgerBackup.check(backup) == nil || FileManager.default.fileExists(atPath: manifest))
                } else {
                    #expect(!FileManager.default.fileExists(atPath: manifest), "run \(index), seed \(seed)")
                }
            } else {
                #expect(process.terminationStatus == 0, "run \(index), seed \(seed)")
                #expect(try LedgerBackup.check(backup) != nil, "run \(index), seed \(seed)")
            }
            // The next backup to that name starts afresh over a partial file a kill left.
            if !FileManager.default.fileExists(atPath: backup) {
                let again = try await CLI.run(["backup", "--db", ledger, "--to", backup])
                #expect(again.status == 0, "run \(index): \(again.stderr)")
                #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))
                #expect(try LedgerBackup.check(backup) != nil)
            }
        }
        #expect(try Self.fileDigest(ledger) == before, "a backup changed the ledger it copied")
        #expect(killedMidway >= 3, "only \(killedMidway) of 20 kills hit a running backup (seed \(seed))")
    }

    @Test("A full disk during a backup: exit 3 with a sentence that says so, no file left, the ledger untouched")
    func fullDisk() async throws {
        let binary = try CLI.binary()
        let directory = try TemporaryDirectory()
        let ledger = try await Self.largeLedger(directory)
        let before = try Self.fileDigest(ledger)
        let backup = directory.file("backup.sqlite")
        // A file-size limit stands for a full disk: with SIGXFSZ ignored, a write past it fails as ENOSPC would
        // (no root, no loop device).
        let result = try await CLI.run(
            [
                "-c", "trap '' XFSZ; ulimit -f 256; exec \"$0\" backup --db \"$1\" --to \"$2\"", binary, ledger, backup,
            ], executable: "/bin/bash")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains("failed: a write failed (disk I/O error): the disk may be full"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was written at \(backup)"))
        #expect(!result.stderr.contains("Stack") && !result.stderr.contains("Fatal"))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("backup") }
        #expect(left.isEmpty, "\(left)")
        #expect(try Self.fileDigest(ledger) == before)
    }
}
