import AsyncHTTPClient
import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerSources
import LedgerStore
@testable import LedgerSync
import LedgerTestSupport
import Testing

/// `verify` over ledgers synced from the simulator: clean when nothing was touched, and each edit made outside the
/// program found and named.
@Suite("Verify: the hash chain and every row re-derived")
struct VerifyTests {
    /// A synced ledger with what the writer alone knows (a gone account), conflicts, movements and a batch of
    /// responses per run; its path and the harness's configuration.
    static func syncedLedger(_ harness: SyncHarness) async throws -> SyncConfiguration {
        try await harness.syncHistoryWithConflictsAndGone()
        return try harness.configuration()
    }

    static func verify(
        _ path: String, _ configuration: SyncConfiguration, expectHead: String? = nil
    ) async throws
        -> FullVerifier.Outcome
    {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        return try await FullVerifier(
            configuration: configuration, scratchDirectory: scratch.path, logger: SyncHarness.quiet
        ).run(path: path, expectHead: expectHead)
    }

    /// A copy of the ledger at `path`, taken through SQLite (the source may have a WAL).
    static func copy(_ path: String, into directory: TemporaryDirectory, name: String) throws -> String {
        let destination = directory.file(name)
        try LedgerBackup.snapshot(from: path, to: destination)
        return destination
    }

    @Test("A synced ledger verifies clean: every raw response and the gone account linked, every row re-derived")
    func clean() async throws {
        try await withSyncHarness { harness in
            let configuration = try await Self.syncedLedger(harness)
            let raws = try harness.count("SELECT count(*) FROM raw_response")
            #expect(try harness.count("SELECT count(*) FROM fact_chain WHERE fact = 'gone'") == 1)
            #expect(try harness.count("SELECT count(*) FROM fact_chain WHERE fact = 'raw_response'") == raws)
            #expect(try harness.count("SELECT count(*) FROM conflict") == 2)
            let outcome = try await Self.verify(harness.databasePath, configuration)
            #expect(outcome.findings.isEmpty, "\(outcome.findings)")
            #expect(outcome.rederived)
            #expect(outcome.quick.head.position == Int64(raws + 1))
            // The re-derived control totals are the ledger's own, with movements among them.
            #expect(outcome.totals == (try LedgerComparison.controlTotals(path: harness.databasePath)))
            #expect(outcome.totals.contains { $0.movements > 0 && $0.accounts > 0 })
        }
    }

    /// An edit made outside the program, and what verify must say about it.
    struct Tamper: Sendable, CustomStringConvertible {
        var description: String
        var sql: String
        var check: VerifyFinding.Check
        var table: String
        var says: String
    }

    static let tampers: [Tamper] = [
        Tamper(
            description: "an amount changed by UPDATE",
            sql: """
                UPDATE balance_version SET available_balance_whole = available_balance_whole + 7
                WHERE id = (SELECT max(id) FROM balance_version WHERE state = 'present' AND superseded_at IS NULL)
                """, check: .rederived, table: "balance_version", says: "here"),
        Tamper(
            description: "a raw response deleted",
            sql: """
                PRAGMA foreign_keys = OFF;
                DELETE FROM raw_response WHERE id = (SELECT max(raw_response_id) FROM balance_version)
                """, check: .chain, table: "raw_response", says: "missing (deleted)"),
        Tamper(
            description: "one byte of a raw body changed",
            sql: """
                UPDATE raw_response SET body = CAST(replace(CAST(body AS TEXT), '"', '''') AS BLOB)
                WHERE id = (SELECT min(raw_response_id) FROM balance_version)
                """, check: .chain, table: "raw_response", says: "body no longer has the SHA-256"),
        Tamper(
            description: "two facts' order swapped",
            sql: """
                DROP TRIGGER fact_chain_no_update;
                UPDATE fact_chain SET position = 1000000 WHERE position = 2;
                UPDATE fact_chain SET position = 2 WHERE position = 3;
                UPDATE fact_chain SET position = 3 WHERE position = 1000000
                """, check: .chain, table: "fact_chain", says: "does not follow from link 1"),
        Tamper(
            description: "a version inserted by hand",
            sql: """
                INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, state, unit,
                    available_balance_whole, available_balance_nanos, content_hash, observed_at)
                SELECT account_id, valid_from - 86400000, valid_from, recorded_at, 'present', unit, 1, 0, content_hash,
                    observed_at
                FROM balance_version WHERE id = 1
                """, check: .rederived, table: "balance_version", says: "not re-derived from the raw responses"),
        Tamper(
            description: "a migration's SQL edited (its checksum no longer the shipped one)",
            sql:
                "UPDATE schema_migration SET sha256 = '\(String(repeating: "ab", count: 32))' WHERE id = '0003_exact_amounts'",
            check: .migration, table: "schema_migration", says: "0003_exact_amounts"),
        Tamper(
            description: "a gone account brought back by deleting its marker",
            sql: "DELETE FROM balance_version WHERE state = 'gone'", check: .rederived, table: "balance_version",
            says: "missing here"),
        Tamper(
            description: "a failed fetch's message rewritten",
            sql: "UPDATE fetch_error SET message = 'all fine' WHERE id = (SELECT max(id) FROM fetch_error)",
            check: .chain, table: "fetch_error", says: "differs from what was linked"),
        Tamper(
            description: "a failed fetch deleted",
            sql: "DELETE FROM fetch_error", check: .chain, table: "fetch_error", says: "missing (deleted)"),
        Tamper(
            description: "a raw response added by hand",
            sql: """
                INSERT INTO raw_response (run_id, source_id, method, url, action, http_status, received_at, sha256, body)
                SELECT run_id, source_id, method, url, action, http_status, received_at + 1, sha256, body
                FROM raw_response WHERE id = 1
                """, check: .chain, table: "raw_response", says: "in no link of the chain"),
    ]

    @Test("Each edit made outside the program is found and named: the check, the table, the row")
    func tampering() async throws {
        try await withSyncHarness { harness in
            let configuration = try await Self.syncedLedger(harness)
            // A failed fetch, which only the writer saw.
            let database = try LedgerDatabase.open(path: harness.databasePath, logger: SyncHarness.quiet)
            try await database.transaction { tx in
                try tx.recordFetchError(
                    sourceID: try tx.sourceID(name: "dms", kind: .dmsCredit), runID: nil,
                    FetchErrorRecord(
                        account: .dmsCredit(orgID: 101, orgType: 2), target: "org 101", kind: "timeout",
                        httpStatus: nil, remoteCode: nil, message: "no answer within 10 s", requestID: nil,
                        retryable: true, attempts: 3))
            }
            try database.close()
            #expect(try LedgerVerifier.quick(path: harness.databasePath).findings.isEmpty)
            let directory = try TemporaryDirectory()
            for (index, tamper) in Self.tampers.enumerated() {
                let path = try Self.copy(harness.databasePath, into: directory, name: "tampered-\(index).sqlite")
                let queue = try DatabaseQueue(path: path)
                try await queue.writeWithoutTransaction { db in try db.execute(sql: tamper.sql) }
                try queue.close()
                let outcome = try await Self.verify(path, configuration)
                #expect(
                    outcome.findings.contains {
                        $0.check == tamper.check && $0.table == tamper.table && $0.detail.contains(tamper.says)
                    }, "\(tamper): \(outcome.findings)")
            }
        }
    }

    @Test("An old backup restored over a newer ledger: a head from an export made after it is no point of its chain")
    func restoredOldBackup() async throws {
        try await withSyncHarness { harness in
            let configuration = try harness.configuration()
            _ = try await harness.sync()
            let directory = try TemporaryDirectory()
            let backup = directory.file("monday.sqlite")
            let manifest = try LedgerBackup.write(from: harness.databasePath, to: backup, clock: SteppedClock())
            let monday = try #require(manifest.chainHead)

            harness.simulator.world.advance(seconds: 3_600)
            _ = try await harness.sync()
            let reader = try LedgerReader.open(path: harness.databasePath)
            let tuesday = try reader.chainHead()
            try reader.close()
            #expect(tuesday.position > monday.position)

            // The live ledger still holds Monday's history: Monday's head is a point of its chain.
            let live = try await Self.verify(harness.databasePath, configuration, expectHead: monday.hash)
            #expect(live.findings.isEmpty, "\(live.findings)")
            #expect(live.quick.expectedHeadAt == monday.position)

            let restored = directory.file("restored.sqlite")
            _ = try LedgerBackup.restore(from: backup, to: restored, force: false, clock: SteppedClock())
            let old = try await Self.verify(restored, configuration, expectHead: tuesday.hash)
            #expect(
                old.findings.map(\.description) == [
                    "chain: fact_chain: the head \(tuesday.hash) is no point of this ledger's chain (links 1–\(monday.position)): "
                        + "the ledger does not hold the history that head was taken from (an older copy, or history rewritten)"
                ])
        }
    }

    @Test("A backup taken in the middle of a sync restores to a ledger that verifies, at a point of the final chain")
    func backupDuringSync() async throws {
        try await withSyncHarness { harness in
            let configuration = try harness.configuration()
            _ = try await harness.sync()
            harness.simulator.world.advance(seconds: 3_600)
            let directory = try TemporaryDirectory()
            let backup = directory.file("midway.sqlite")
            let taken = Locked<LedgerBackup.Manifest?>(nil)
            // Once the sync has sent half its requests (and committed what came back before), the backup is taken
            // there, while the sync goes on writing.
            let transport = BackupMidway(
                inner: AsyncHTTPClientTransport(client: harness.client), after: 12,
                backup: {
                    taken.value = try? LedgerBackup.write(from: harness.databasePath, to: backup, clock: SteppedClock())
                })
            let database = try LedgerDatabase.open(
                path: harness.databasePath, clock: harness.simulator.clock, logger: SyncHarness.quiet)
            let report = try await SyncEngine(
                configuration: configuration, store: database,
                transport: transport, clock: harness.simulator.clock, sleep: { _ in }, logger: SyncHarness.quiet
            ).run()
            try database.close()
            #expect(report.status == .complete)
            let manifest = try #require(taken.value, "no backup was taken during the sync")
            let midway = try #require(manifest.chainHead)
            let restored = directory.file("restored.sqlite")
            _ = try LedgerBackup.restore(from: backup, to: restored, force: false, clock: SteppedClock())
            let outcome = try await Self.verify(restored, configuration)
            #expect(outcome.findings.isEmpty, "\(outcome.findings)")
            // The backup's point is a point of the ledger's chain once the sync has finished, and an earlier one.
            let live = try LedgerVerifier.quick(path: harness.databasePath, expectHead: midway.hash)
            #expect(live.findings.isEmpty, "\(live.findings)")
            #expect(live.expectedHeadAt == midway.position)
            #expect(live.head.position > midway.position)

            // The source as it stood at the backup's point: a copy of the finished ledger cut back to the facts
            // linked up to the backup's head, then re-derived. The backup's rows are exactly those.
            let cut = try Self.copy(harness.databasePath, into: directory, name: "cut.sqlite")
            let queue = try DatabaseQueue(path: cut)
            try await queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DROP TRIGGER fact_chain_no_delete")
                let later = "SELECT fact_id FROM fact_chain WHERE fact = 'raw_response' AND position > ?"
                try db.execute(
                    sql: "DELETE FROM quarantine WHERE raw_response_id IN (\(later))", arguments: [midway.position])
                try db.execute(sql: "DELETE FROM raw_response WHERE id IN (\(later))", arguments: [midway.position])
                try db.execute(sql: "DELETE FROM fact_chain WHERE position > ?", arguments: [midway.position])
            }
            try queue.close()
            let cutDatabase = try LedgerDatabase.open(path: cut, logger: SyncHarness.quiet)
            _ = try await Rebuilder(configuration: configuration, database: cutDatabase, logger: SyncHarness.quiet)
                .run()
            try cutDatabase.close()
            #expect(try LedgerComparison.compare(ledger: restored, rederived: cut).isEmpty)
            #expect(try LedgerComparison.controlTotals(path: restored) == LedgerComparison.controlTotals(path: cut))
            #expect(try LedgerVerifier.quick(path: cut).head == midway)
        }
    }

    @Test("An alert's firing and resolution are linked; an edit to either is found")
    func alertChanges() async throws {
        let (directory, path) = try await FixtureLedger.shared.copy()
        defer { withExtendedLifetime(directory) {} }
        let database = try LedgerDatabase.open(path: path, clock: SteppedClock(), logger: SyncHarness.quiet)
        let firing = AlertFiring(
            rule: "low", kind: .balanceBelow, subject: "mr/17", source: "mr", account: "17", message: "below 10",
            figures: "{}")
        let changes = try await database.transaction { tx in try tx.recordAlerts([firing], rules: [("low", [])]) }
        _ = try await database.transaction { tx in try tx.recordAlerts([], rules: [("low", [])]) }
        try database.close()
        let id = try #require(changes.fired.first)
        let clean = try LedgerVerifier.quick(path: path)
        #expect(clean.findings.isEmpty, "\(clean.findings)")
        let queue = try DatabaseQueue(path: path)
        let links = try await queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT detail FROM fact_chain WHERE fact = 'alert' AND fact_id = ?", arguments: [id])
        }
        #expect(links == ["firing", "resolved"])
        try await queue.write { db in
            try db.execute(sql: "UPDATE alert_state SET resolved_at = resolved_at + 1 WHERE id = ?", arguments: [id])
        }
        try queue.close()
        #expect(
            try LedgerVerifier.quick(path: path).findings.map(\.description) == [
                "chain: alert_state: row \(id)'s resolved change differs from what was linked (linked at position \(clean.head.position))"
            ])
    }

    @Test(
        "20 ledgers with 4 KiB of random bytes each: verify is never clean unless the file reads whole and re-derives")
    func randomDamage() async throws {
        try await withSyncHarness { harness in
            let configuration = try await Self.syncedLedger(harness)
            let directory = try TemporaryDirectory()
            let pristine = try Self.copy(harness.databasePath, into: directory, name: "pristine.sqlite")
            var generator = SplitMix64(seed: 30_2026_12_03)
            var detected = 0
            for round in 0..<20 {
                let path = directory.file("damaged-\(round).sqlite")
                var bytes = try Data(contentsOf: URL(fileURLWithPath: pristine))
                let offset = Int(generator.next() % UInt64(max(1, bytes.count - 4_096)))
                for index in offset..<min(bytes.count, offset + 4_096) {
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                }
                try bytes.write(to: URL(fileURLWithPath: path))
                let outcome: FullVerifier.Outcome
                do {
                    outcome = try await Self.verify(path, configuration)
                } catch let error as StoreError {
                    // Exit 3: the file cannot be read as a ledger; the error says where.
                    #expect(error.description.contains(path), "\(error)")
                    detected += 1
                    continue
                }
                guard outcome.findings.isEmpty else {
                    detected += 1
                    continue
                }
                // Clean only when it really is: integrity_check says ok, and the rows were re-derived and matched.
                #expect(outcome.rederived, "round \(round)")
                let queue = try DatabaseQueue(path: path)
                let verdict = try await queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                try queue.close()
                #expect(verdict == ["ok"], "round \(round)")
            }
            #expect(detected > 0, "no damage was found in 20 damaged files")
        }
    }
}

/// A transport that takes a backup once, before its `after`-th request, and otherwise passes requests on.
struct BackupMidway: HTTPTransport {
    let inner: any HTTPTransport
    let after: Int
    let backup: @Sendable () -> Void
    private let sent = Locked(0)

    init(inner: any HTTPTransport, after: Int, backup: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.after = after
        self.backup = backup
    }

    func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        let count = sent.increment()
        if count == after { backup() }
        return try await inner.send(request, timeout: timeout, maximumBodyBytes: maximumBodyBytes)
    }
}
