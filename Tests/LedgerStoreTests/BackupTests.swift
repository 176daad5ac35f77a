import Crypto
import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerStore
import Testing

/// `ledgersync backup`, `restore` and `verify --quick`, on copies of the fixture ledger.
@Suite("Backups, restores and the quick verification")
struct BackupTests {
    /// Every table's rows, as text, in a stable order: what two ledgers must share to be the same ledger.
    static func dump(_ path: String) throws -> [String: [String]] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            var tables: [String: [String]] = [:]
            for table in try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                    .map(\.description).sorted()
            }
            return tables
        }
    }

    static func sha256(_ path: String) throws -> String {
        lowercaseHex(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test("A backup is one checked 0600 file with a true manifest; a restore of it is the same ledger")
    func roundTrip() async throws {
        let (directory, source) = try await FixtureLedger.shared.copy()
        let backup = directory.file("backup.sqlite")
        let manifest = try LedgerBackup.write(from: source, to: backup, clock: SteppedClock())
        #expect(manifest.sha256 == (try Self.sha256(backup)))
        #expect(
            manifest.bytes == (try FileManager.default.attributesOfItem(atPath: backup)[.size] as? Int).map(Int64.init))
        #expect(manifest.ledgerSchema == Migration.shipped.last?.id)
        let sourceTables = try Self.dump(source)
        #expect(manifest.rows == sourceTables.mapValues { Int64($0.count) })
        for file in [backup, LedgerBackup.manifestPath(backup)] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        #expect(try LedgerBackup.check(backup) == manifest)
        #expect(try LedgerVerifier.quick(path: backup).findings.isEmpty)

        let restored = directory.file("restored.sqlite")
        #expect(
            try LedgerBackup.restore(from: backup, to: restored, force: false, clock: SteppedClock()).movedAside == nil)
        #expect(try Self.dump(restored) == sourceTables)
        // The restored ledger is a ledger this build opens and reads.
        let reader = try LedgerReader.open(path: restored)
        #expect(try reader.balances().rows.count == (try LedgerReader.open(path: source).balances().rows.count))
        try reader.close()
    }

    @Test("Backups taken while another connection writes are each a consistent, checked ledger")
    func whileWriting() async throws {
        let (directory, source) = try await FixtureLedger.shared.copy()
        let database = try LedgerDatabase.open(path: source, clock: SteppedClock(), logger: testLogger)
        let writer = Task {
            for step in 0..<60 {
                let at = ReportFixture.day(22).adding(seconds: Int64(step) * 60)
                try await ReportFixture.run(database, at: at) { tx, run, sources in
                    _ = try tx.record(
                        ReportFixture.modelRouter(
                            17, "研发部", try MoneyUnit("CNY"), "\(1_000 + step)", modified: at, observed: at),
                        raw: ReportFixture.raw("mr17-\(step)", at: at), sourceID: sources.mr, runID: run)
                    return .complete
                }
            }
        }
        var counts: [Int64] = []
        for index in 0..<6 {
            let backup = directory.file("during-\(index).sqlite")
            let manifest = try LedgerBackup.write(from: source, to: backup, clock: SteppedClock())
            try LedgerBackup.check(backup)
            // Each copy is one snapshot: every run it holds is finished, and its versions follow from its runs.
            let queue = try DatabaseQueue(path: backup)
            let running = try await queue.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_run WHERE status = 'running'")
            }
            try queue.close()
            #expect(running == 0)
            counts.append(manifest.rows["balance_version"] ?? -1)
        }
        try await writer.value
        try database.close()
        #expect(counts == counts.sorted(), "a later backup never holds fewer versions: \(counts)")
        let final = try LedgerBackup.write(from: source, to: directory.file("after.sqlite"), clock: SteppedClock())
        #expect(final.rows["balance_version"] ?? 0 >= counts.last ?? 0)
        #expect(try Self.dump(directory.file("after.sqlite")) == Self.dump(source))
    }

    @Test("Nothing is overwritten: an existing backup name is refused, a restore onto a ledger needs --force")
    func neverOverwrites() async throws {
        let (directory, source) = try await FixtureLedger.shared.copy()
        let backup = directory.file("backup.sqlite")
        _ = try LedgerBackup.write(from: source, to: backup, clock: SteppedClock())
        let before = try Self.sha256(backup)
        #expect(throws: StoreError.self) {
            try LedgerBackup.write(from: source, to: backup, clock: SteppedClock())
        }
        #expect(try Self.sha256(backup) == before)

        let target = directory.file("target.sqlite")
        try "not a ledger yet".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) {
            try LedgerBackup.restore(from: backup, to: target, force: false, clock: SteppedClock())
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "not a ledger yet")
        let restored = try LedgerBackup.restore(
            from: backup, to: target, force: true, clock: SteppedClock(Instant(year: 2026, month: 12, day: 3, hour: 9)))
        #expect(restored.movedAside == target + ".replaced-20261203T090000Z")
        #expect(
            try String(contentsOfFile: target + ".replaced-20261203T090000Z", encoding: .utf8) == "not a ledger yet")
        #expect(try Self.sha256(target) == before)
    }

    @Test("A restore refuses a backup that changed since, one of a newer schema, and one that fails its checks")
    func refusesBadBackups() async throws {
        let (directory, source) = try await FixtureLedger.shared.copy()
        let target = directory.file("target.sqlite")
        // A byte changed after the backup was taken: the manifest's digest no longer matches.
        let changed = directory.file("changed.sqlite")
        _ = try LedgerBackup.write(from: source, to: changed, clock: SteppedClock())
        var bytes = try Data(contentsOf: URL(fileURLWithPath: changed))
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: changed))
        #expect {
            try LedgerBackup.restore(from: changed, to: target, force: false, clock: SteppedClock())
        } throws: { "\($0)".contains("SHA-256") }
        // A newer build's ledger (a migration this build does not know), with no manifest.
        let newer = directory.file("newer.sqlite")
        try FileManager.default.copyItem(atPath: source, toPath: newer)
        let queue = try DatabaseQueue(path: newer)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('9999_future')") }
        try queue.close()
        #expect {
            try LedgerBackup.restore(from: newer, to: target, force: false, clock: SteppedClock())
        } throws: { error in
            guard case .newerSchema(let unknown)? = (error as? StoreError)?.code else { return false }
            return unknown == ["9999_future"]
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: target + ".restoring"))
    }

    @Test("verify --quick names an edited migration and a row whose parent was deleted by hand")
    func quickFindings() async throws {
        let (directory, path) = try await FixtureLedger.shared.copy()
        defer { withExtendedLifetime(directory) {} }
        let queue = try DatabaseQueue(path: path)
        let account = try await queue.writeWithoutTransaction { db -> Int64 in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(
                sql:
                    "UPDATE schema_migration SET sha256 = '\(String(repeating: "0e", count: 32))' WHERE id = '0001_initial'"
            )
            let account = try Int64.fetchOne(db, sql: "SELECT account_id FROM balance_version LIMIT 1") ?? 0
            try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [account])
            return account
        }
        try queue.close()
        let findings = try LedgerVerifier.quick(path: path).findings
        #expect(
            findings.contains {
                $0.check == .migration && $0.detail.contains("0001_initial")
                    && $0.detail.contains(String(repeating: "0e", count: 32))
            }, "\(findings)")
        #expect(findings.contains { $0.check == .foreignKey && $0.table == "balance_version" }, "\(findings)")
        #expect(findings.allSatisfy { $0.check != .integrity }, "\(findings); account \(account)")
    }

    @Test("4 KiB of random bytes at a random place: verify reports, throws, or finds a sound file; never crashes")
    func randomDamage() async throws {
        var generator = SplitMix64(seed: 20_261_203)
        var detected = 0
        for round in 0..<20 {
            let (directory, path) = try await FixtureLedger.shared.copy()
            defer { withExtendedLifetime(directory) {} }
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let offset = Int(generator.next() % UInt64(max(1, bytes.count - 4_096)))
            for index in offset..<min(bytes.count, offset + 4_096) {
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            try bytes.write(to: URL(fileURLWithPath: path))
            let findings: [VerifyFinding]
            do {
                findings = try LedgerVerifier.quick(path: path).findings
            } catch {
                detected += 1
                continue
            }
            if findings.isEmpty {
                // Clean only when the file really is: every table reads in full.
                var readOnly = Configuration()
                readOnly.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: readOnly)
                try await queue.read { db in
                    for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table'") {
                        _ = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                    }
                }
                try queue.close()
            } else {
                detected += 1
            }
            _ = round
        }
        #expect(detected > 0, "no damage was found in 20 damaged files")
    }
}
