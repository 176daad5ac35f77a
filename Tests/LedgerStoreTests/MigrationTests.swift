import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("The shipped migrations are the files of Migrations/, checksummed")
    func shipped() throws {
        let ids = Migration.shipped.map(\.id)
        #expect(ids.first == "0001_initial")
        #expect(ids == ids.sorted())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(files.map { String($0.dropLast(4)) } == ids)
        for migration in Migration.shipped {
            let bytes = try Data(contentsOf: root.appendingPathComponent("\(migration.id).sql"))
            #expect(Array(bytes) == migration.bytes, "embedded \(migration.id) differs from the file")
            #expect(migration.sha256 == (try sha256(ofFile: root.appendingPathComponent("\(migration.id).sql").path)))
        }
    }

    @Test("A new database is created at the latest version, mode 0600, consistent")
    func createsNew() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        let database = try LedgerDatabase.open(path: path, logger: testLogger)
        #expect(database.openReport.created)
        #expect(database.openReport.applied == Migration.shipped.map(\.id))
        #expect(database.openReport.backupPath == nil)
        let journal = try database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        try database.close()

        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let check = try checkIntegrity(path: path)
        #expect(check.integrity == ["ok"])
        #expect(check.foreignKeyViolations == 0)

        let statuses = try LedgerDatabase.migrationStatus(path: path)
        #expect(statuses.map(\.state) == Array(repeating: .applied, count: Migration.shipped.count))
        #expect(statuses.map(\.recordedSHA256) == Migration.shipped.map(\.sha256))
        // No backup is written for a new file.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("backup") }
                .isEmpty)
    }

    @Test("Reopening an up-to-date database applies nothing and writes no backup")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        try LedgerDatabase.open(path: path, logger: testLogger).close()
        let again = try LedgerDatabase.open(path: path, logger: testLogger)
        #expect(!again.openReport.created)
        #expect(again.openReport.applied.isEmpty)
        #expect(again.openReport.backupPath == nil)
        try again.close()
    }

    @Test("An older database is upgraded after a verified backup, one transaction per migration")
    func upgradesWithBackup() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        // A time with milliseconds: the backup's name keeps whole seconds.
        let clock = SteppedClock(Instant(year: 2026, month: 11, day: 21, hour: 12).adding(milliseconds: 250))
        let first = Array(Migration.shipped.prefix(1))
        let extra = try testMigration(
            "9001_test_extra", "CREATE TABLE test_extra (id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT;")

        let old = try LedgerDatabase.open(path: path, migrations: first, clock: clock, logger: testLogger)
        try old.writer.write { db in
            try db.execute(
                sql: "INSERT INTO source_instance (name, kind, created_at) VALUES ('mr', 'modelrouter', 0)")
        }
        try old.close()

        clock.advance(seconds: 60)
        let upgraded = try LedgerDatabase.open(
            path: path, migrations: first + [extra], clock: clock, logger: testLogger)
        #expect(upgraded.openReport.applied == ["9001_test_extra"])
        let backup = try #require(upgraded.openReport.backupPath)
        #expect(backup == path + ".backup-0001_initial-20261121T120100Z.sqlite")
        try upgraded.writer.read { db throws in
            #expect(try db.tableExists("test_extra"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM source_instance") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM schema_migration") == 2)
        }
        try upgraded.close()

        // The backup is a consistent copy of the database before the upgrade.
        #expect(try checkIntegrity(path: backup).integrity == ["ok"])
        #expect(try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int == 0o600)
        let backupStatus = try LedgerDatabase.migrationStatus(path: backup, migrations: first + [extra])
        #expect(backupStatus.map(\.state) == [.applied, .pending])
        let queue = try DatabaseQueue(path: backup)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM source_instance") } == 1)
        try queue.close()
        let check = try checkIntegrity(path: path)
        #expect(check.integrity == ["ok"])
        #expect(check.foreignKeyViolations == 0)
    }

    @Test("A failing migration rolls back alone: earlier ones stay applied")
    func failingMigrationRollsBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        let good = try testMigration("9001_good", "CREATE TABLE test_good (id INTEGER PRIMARY KEY) STRICT;")
        let bad = try testMigration(
            "9002_bad", "CREATE TABLE test_bad (id INTEGER PRIMARY KEY) STRICT; INSERT INTO no_such_table VALUES (1);")
        #expect(throws: StoreError.self) {
            try LedgerDatabase.open(path: path, migrations: Migration.shipped + [good, bad], logger: testLogger)
        }
        let statuses = try LedgerDatabase.migrationStatus(path: path, migrations: Migration.shipped + [good, bad])
        #expect(statuses.last?.id == "9002_bad")
        #expect(statuses.last?.state == .pending)
        #expect(statuses.dropLast().allSatisfy { $0.state == .applied })
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try db.tableExists("test_bad") } == false)
        try queue.close()
    }

    @Test(
        "Every released schema upgrades to the latest with its data intact",
        arguments: [
            "schema-0001.sqlite", "schema-0002.sqlite", "schema-0003.sqlite", "schema-0004.sqlite",
            "schema-0005.sqlite",
            "schema-0006.sqlite", "schema-0007.sqlite", "schema-0008.sqlite",
        ])
    func upgradesFixtures(fixture: String) async throws {
        let directory = try TemporaryDirectory()
        let path = try copyFixture(fixture, into: directory)
        let database = try LedgerDatabase.open(path: path, logger: testLogger)
        let statuses = try LedgerDatabase.migrationStatus(path: path)
        #expect(statuses.allSatisfy { $0.state == .applied })
        try await database.writer.read { db throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_version") == 4)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM modelrouter_balance_log") == 1)
            #expect(
                try String.fetchAll(db, sql: "SELECT account_key FROM account ORDER BY id")
                    == ["17", "101:2", "MST123456/W0001", "MST123456/W0002"])
        }
        // Every amount reads back as the e4 integer it was stored as (0003 split them into whole and nanos).
        let reader = LedgerReader(database)
        let versions = try reader.history(includeSuperseded: true, page: .all).rows.sorted {
            $0.versionID < $1.versionID
        }
        #expect(
            versions.map { "\($0.account.key) \($0.availableBalance?.description ?? "-") \($0.unit?.name ?? "-")" } == [
                "17 100.0000 CNY", "17 99.5000 CNY", "101:2 224.0000 CNY", "MST123456/W0001 1234.5000 SU",
            ])
        let dms = try #require(versions.first { $0.account.key == "101:2" })
        #expect(
            [dms.creditLimit, dms.used, dms.frozen, dms.totalAvailable, dms.overdue].map { $0?.description }
                == ["999.0000", "0.0000", "0.0000", "1223.0000", "0.0000"])
        let details = try reader.details(versionIDs: versions.map(\.versionID))
        guard case .dmsCredit(let credit)? = details[dms.versionID],
            case .twccWallet(let wallet)? = details[versions[3].versionID]
        else {
            Issue.record("the DMS and TWCC details did not survive the upgrade")
            return
        }
        #expect(credit.availableAmount?.description == "999.0000" && credit.totalUsedLimit == .zero)
        #expect(wallet.originalQuota?.description == "1234.5000" && wallet.projectCreditQuota == .zero)
        #expect(wallet.projectSUQuota == nil)
        let movement = try #require(try reader.movements(page: .all).rows.first)
        #expect(
            [movement.amount, movement.balanceBefore, movement.balanceAfter].map { $0?.description }
                == ["-0.5000", "100.0000", "99.5000"])
        #expect(try reader.unitScales() == UnitScales())
        // 0004's alert and its delivery stay as they were; older ledgers start with none.
        let alerts = try reader.alerts()
        #expect(alerts.map(\.subject) == (fixture >= "schema-0004.sqlite" ? ["modelrouter/17"] : []))
        #expect(alerts.first.map { $0.firing && $0.figures.contains("99.5000") } ?? true)
        // 0005's views read the upgraded rows as people see them: ISO-8601 times, decimal text next to the unit.
        try await database.writer.read { db throws in
            #expect(
                try String.fetchAll(
                    db,
                    sql: "SELECT account || ' ' || available_balance || ' ' || unit FROM current_balances ORDER BY 1")
                    == ["101:2 224.0000 CNY", "17 99.5000 CNY", "MST123456/W0001 1234.5000 SU"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_history") == 4)
            #expect(
                try String.fetchAll(
                    db, sql: "SELECT at || ' ' || amount || ' ' || balance_after FROM movements_readable")
                    == ["2024-01-02T00:00:00Z -0.5000 99.5000"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM conflicts_readable") == 0)
        }
        // 0007 linked what was there: the raw response, then the alert's firing (from 0004 on), and the links
        // are exactly those schema-0007.sqlite was released with, whichever version the ledger came from.
        let expectedLinks = fixture >= "schema-0004.sqlite" ? ["raw_response 1", "alert 1 firing"] : ["raw_response 1"]
        try await database.writer.read { db throws in
            #expect(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT trim(fact || ' ' || fact_id || ' ' || coalesce(detail, '')) FROM fact_chain ORDER BY position"
                )
                    == expectedLinks)
        }
        let head = try reader.chainHead()
        if fixture >= "schema-0004.sqlite" {
            let releasedDirectory = try TemporaryDirectory()
            var readOnly = Configuration()
            readOnly.readonly = true
            let released = try DatabaseQueue(
                path: try copyFixture("schema-0007.sqlite", into: releasedDirectory), configuration: readOnly)
            let releasedHead = try await released.read { db in
                try String.fetchOne(db, sql: "SELECT chain_hash FROM fact_chain ORDER BY position DESC LIMIT 1")
            }
            #expect(head.hash == releasedHead)
            try released.close()
        }
        // 0008 rebuilt alert_state: the alert kept its id (its delivery still points at it), and a backup alert
        // may be kept now.
        let backupAlert = AlertFiring(
            rule: "backups", kind: .backup, subject: "backup", source: nil, account: nil, message: "no backup",
            figures: "{}")
        let fired = try await database.transaction { tx in try tx.recordAlerts([backupAlert], rules: [("backups", [])])
        }
        #expect(fired.fired.count == 1)
        try database.close()
        let check = try checkIntegrity(path: path)
        #expect(check.integrity == ["ok"])
        #expect(check.foreignKeyViolations == 0)
        // The fixtures' raw response was inserted by hand with sqlite3 and a placeholder SHA-256 of zeros: verify
        // names exactly that, and nothing else.
        let verification = try LedgerVerifier.quick(path: path, expectHead: head.hash)
        #expect(
            verification.findings.map(\.description) == [
                "chain: raw_response: row 1's body no longer has the SHA-256 it was stored with (linked at position 1)"
            ])
        #expect(verification.expectedHeadAt == Int64(expectedLinks.count))
    }

    @Test("A database whose migration file changed is refused, naming the migration")
    func tamperedChecksum() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        try LedgerDatabase.open(path: path, logger: testLogger).close()
        let before = try sha256(ofFile: path)

        var edited = Migration.shipped
        edited[0] = try Migration(id: edited[0].id, bytes: edited[0].bytes + Array("\n-- edited\n".utf8))
        let error = #expect(throws: StoreError.self) {
            try LedgerDatabase.open(path: path, migrations: edited, logger: testLogger)
        }
        guard case .checksumMismatch(let migration, let recorded, let shipped)? = error?.code else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(migration == "0001_initial")
        #expect(recorded == Migration.shipped[0].sha256)
        #expect(shipped == edited[0].sha256)
        #expect(error?.description.contains("0001_initial") == true)
        #expect(try sha256(ofFile: path) == before)

        // A recorded checksum altered in the database is refused the same way.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "UPDATE schema_migration SET sha256 = printf('%064d', 0)") }
        try queue.close()
        #expect(throws: StoreError.self) { try LedgerDatabase.open(path: path, logger: testLogger) }
        #expect(try LedgerDatabase.migrationStatus(path: path).first?.state == .modified)
    }

    @Test("A database from a newer build is refused and left byte-identical")
    func newerDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        let future = try testMigration("9999_future", "CREATE TABLE future (id INTEGER PRIMARY KEY) STRICT;")
        try LedgerDatabase.open(path: path, migrations: Migration.shipped + [future], logger: testLogger).close()
        let before = try sha256(ofFile: path)
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()

        let error = #expect(throws: StoreError.self) { try LedgerDatabase.open(path: path, logger: testLogger) }
        #expect(error?.code == .newerSchema(unknown: ["9999_future"]))
        #expect(error?.description.contains("newer") == true)
        #expect(try sha256(ofFile: path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == filesBefore)
        #expect(try LedgerDatabase.migrationStatus(path: path).last?.state == .unknown)
    }

    @Test("A gap in the applied migrations is refused")
    func gap() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        let a = try testMigration("9001_a", "CREATE TABLE test_a (id INTEGER PRIMARY KEY) STRICT;")
        let b = try testMigration("9002_b", "CREATE TABLE test_b (id INTEGER PRIMARY KEY) STRICT;")
        try LedgerDatabase.open(path: path, migrations: Migration.shipped + [b], logger: testLogger).close()
        let error = #expect(throws: StoreError.self) {
            try LedgerDatabase.open(path: path, migrations: Migration.shipped + [a, b], logger: testLogger)
        }
        #expect(error?.code == .migrationGap(missing: ["9001_a"]))
    }

    @Test("A SQLite file that is not a ledger is refused and untouched")
    func foreignDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        try queue.close()
        let before = try sha256(ofFile: path)
        #expect(throws: StoreError.self) { try LedgerDatabase.open(path: path, logger: testLogger) }
        #expect(try sha256(ofFile: path) == before)

        let garbage = directory.file("garbage.sqlite")
        try Data("this is not a database, just text".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: StoreError.self) { try LedgerDatabase.open(path: garbage, logger: testLogger) }
    }

    @Test("Malformed migration names are refused", arguments: ["initial", "001_x", "0001", "0001_", "abcd_x"])
    func badNames(id: String) {
        #expect(throws: StoreError.self) { try Migration(id: id, bytes: Array("SELECT 1;".utf8)) }
    }
}
