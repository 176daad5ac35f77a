import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerReports
@testable import LedgerServer
import LedgerStore
import LedgerSync
import LedgerTestSupport
import Logging
import Testing

/// The backups `serve` takes on its `[backup]` schedule, and what the status, `/metrics`, the dashboard and the
/// `backup` alert say about them.
@Suite("serve: scheduled backups")
struct ScheduledBackupTests {
    static let quiet = Logger(label: "backup-test") { _ in SwiftLogNoOpLogHandler() }

    static func backups(
        _ harness: RouteHarness, directory: String, keep: Int, reader: LedgerReader
    )
        -> ScheduledBackups
    {
        ScheduledBackups(
            schedule: BackupSchedule(directory: directory, every: .seconds(3_600), keep: keep),
            storePath: harness.directory.file("ledger.sqlite"), reader: reader, clock: harness.clock,
            sleep: harness.sleeps.sleep, logger: quiet)
    }

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test("The newest `keep` verified backups stay; a failure is recorded, prunes nothing, and shows everywhere")
    func schedule() async throws {
        let harness = try await RouteHarness(
            tables: """
                [backup]
                dir = "backups"
                every = "1h"
                keep = 2
                [[alerts]]
                name = "backups"
                kind = "backup"
                hours = 2
                """)
        let reader = try LedgerReader.open(path: harness.directory.file("ledger.sqlite"))
        defer { try? reader.close() }
        let directory = harness.directory.file("backups")
        let backups = Self.backups(harness, directory: directory, keep: 2, reader: reader)
        #expect(backups.firstDelay() == .zero)
        var written: [String] = []
        for _ in 0..<3 {
            let record = await backups.takeOne()
            #expect(record.outcome == .ok, "\(record.error ?? "")")
            written.append(record.path)
            harness.clock.advance(seconds: 3_600)
        }
        // The oldest went once the third had verified; each kept one has its manifest and checks.
        let kept = Array(written.suffix(2))
        #expect(
            try Self.files(directory)
                == kept.flatMap {
                    [
                        URL(fileURLWithPath: $0).lastPathComponent,
                        URL(fileURLWithPath: $0).lastPathComponent + ".manifest.json",
                    ]
                }.sorted())
        for path in kept { #expect(try LedgerBackup.check(path) != nil) }
        #expect((try reader.backupStatus()).lastSuccess?.pruned == 1)
        // The next one is due an interval after the last good one.
        harness.clock.advance(seconds: -3_000)
        #expect(backups.firstDelay() == .seconds(3_000))
        harness.clock.advance(seconds: 3_000)

        // A directory that cannot be made (a file is in the way): recorded as failed; the kept ones stay.
        let blocker = harness.directory.file("not-a-directory")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
        let failing = Self.backups(harness, directory: blocker + "/backups", keep: 1, reader: reader)
        let failure = await failing.takeOne()
        #expect(failure.outcome == .failed && failure.error != nil)
        #expect(try Self.files(directory).count == 4)

        let status = try reader.backupStatus()
        #expect(status.failures == 1 && status.lastAttempt?.outcome == .failed)
        let alertRule = AlertRule(name: "backups", kind: .backup, count: 2)
        let firings = try AlertEvaluator.firings([alertRule], reader: reader, now: harness.clock.now())
        #expect(firings.map(\.subject) == ["backup"])
        #expect(firings.first?.message.hasPrefix("the last backup failed at ") == true)

        try await harness.test { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("\"backup\":{\"every_seconds\":3600,\"keep\":2,"), "\(body)")
                #expect(body.contains("\"last_outcome\":\"failed\"") && body.contains("\"failures\":1"), "\(body)")
                #expect(!body.contains(directory), "the status names no path")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("\nledgersync_backup_last_attempt_success 0\n"), "\(body)")
                #expect(body.contains("\nledgersync_backup_failures_total 1\n"))
                #expect(body.contains("\nledgersync_backup_last_success_size_bytes "))
            }
            try await client.execute(uri: "/", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<p id=\"backup-state\" class=\"bad\">Last good backup: "), "\(body)")
                #expect(body.contains("<span class=\"tag bad\">backup failed</span>"))
            }
        }

        // A good backup again: the alert's condition no longer holds.
        _ = await backups.takeOne()
        #expect(try AlertEvaluator.firings([alertRule], reader: reader, now: harness.clock.now()).isEmpty)
        // Two hours without one: it holds again.
        harness.clock.advance(seconds: 3 * 3_600)
        #expect(
            try AlertEvaluator.firings([alertRule], reader: reader, now: harness.clock.now()).first?.message
                .hasPrefix("the last good backup is from ") == true)
    }

    @Test("A backup serve takes under 50 concurrent readers restores to the same ledger, digest for digest")
    func underReaders() async throws {
        let harness = try await RouteHarness()
        let reader = try LedgerReader.open(path: harness.directory.file("ledger.sqlite"), readers: 8)
        defer { try? reader.close() }
        let backups = Self.backups(harness, directory: harness.directory.file("backups"), keep: 3, reader: reader)
        let taken = Locked<BackupRecord?>(nil)
        try await harness.test { client in
            try await withThrowingTaskGroup(of: BackupRecord?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let path = ["/api/v1/balances", "/api/v1/history?account=17", "/", "/metrics"][index % 4]
                        try await client.execute(uri: path, method: .get) { #expect($0.status == .ok, "\(path)") }
                        return nil
                    }
                }
                group.addTask { await backups.takeOne() }
                for try await result in group where result != nil { taken.value = result }
            }
        }
        let record = try #require(taken.value)
        #expect(record.outcome == .ok, "\(record.error ?? "")")
        let restored = harness.directory.file("restored.sqlite")
        _ = try LedgerBackup.restore(from: record.path, to: restored, force: false, clock: harness.clock)
        #expect(try LedgerVerifier.quick(path: restored).findings.isEmpty)
        // Nothing wrote meanwhile: the backup's point is the ledger as it is, and it holds the same facts.
        let live = try LedgerDatabase.open(path: harness.directory.file("ledger.sqlite"), logger: Self.quiet)
        let copy = try LedgerDatabase.open(path: restored, logger: Self.quiet)
        #expect(try live.normalizedDigest() == copy.normalizedDigest())
        #expect(record.chainHead == (try reader.chainHead()))
        try live.close()
        try copy.close()
    }

    @Test("Without a [backup] table the status says null and the overview says how to add one")
    func unscheduled() async throws {
        let harness = try await RouteHarness()
        try await harness.test { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                #expect(String(buffer: response.body).contains("\"backup\":null"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("No scheduled backups: add a [backup] table"))
            }
        }
    }
}
