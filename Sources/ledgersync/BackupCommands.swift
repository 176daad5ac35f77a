import ArgumentParser
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync backup`: an online copy of the ledger, checked before it is named.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger while syncs and servers use it, check the copy, and write its manifest beside it.",
        discussion: """
            The copy is taken with SQLite's backup API from one consistent snapshot, written under NAME.partial, \
            checked with integrity_check and a walk of its hash chain, forced to disk, then renamed to NAME (mode \
            0600); NAME.manifest.json holds its schema, chain head, row counts and SHA-256. A failed or killed backup \
            leaves nothing at NAME. Exit codes: 0 done, 2 usage, 3 the ledger or the copy failed (a full disk \
            included).
            """)

    @OptionGroup var ledger: LedgerLocationOptions

    @Option(name: .long, help: "The backup file to write; it must not exist yet.")
    var to: String

    func run() async throws {
        let source = try ledger.path()
        let manifest = try LedgerBackup.write(from: source, to: to, clock: SystemClock())
        let rows = manifest.rows.values.reduce(0, +)
        print(
            "backed up \(source) to \(to): \(manifest.bytes) bytes, \(rows) rows, schema \(manifest.ledgerSchema), "
                + "SHA-256 \(manifest.sha256)" + (manifest.chainHead.map { ", chain head \($0)" } ?? ""))
    }
}

/// `ledgersync restore`: a checked backup put in place of a ledger, which is moved aside, never overwritten.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup, then put a copy of it where the ledger is (the ledger there is moved aside).",
        discussion: """
            The backup is checked first: its manifest's SHA-256, integrity_check, foreign keys, its hash chain up to \
            the manifest's head, and a schema this \
            build knows (a newer one is refused). A ledger already at the destination is kept: restore refuses \
            unless --force, which moves it (and its -wal and -shm) to NAME.replaced-DATE. Takes the writer lock, like \
            sync. Exit codes: 0 done, 2 usage or a ledger in the way without --force, 3 the backup does not check, \
            5 a sync holds the ledger.
            """)

    @Option(name: .long, help: "The backup file (written by ledgersync backup).")
    var from: String

    @OptionGroup var ledger: LedgerLocationOptions

    @Flag(name: .long, help: "Move a ledger already at the destination aside under a dated name.")
    var force = false

    func run() async throws {
        let destination = try ledger.path()
        let clock = SystemClock()
        let lock: SyncLock
        do {
            lock = try SyncLock.acquire(databasePath: destination, now: clock.now())
        } catch let held as SyncLock.Held {
            throw CommandFailure(message: held.description, exitCode: .locked)
        }
        defer { lock.release() }
        if FileManager.default.fileExists(atPath: destination), !force {
            // Checked here too, before the backup is read: the answer does not depend on it.
            throw CommandFailure(
                message: "\(destination): a ledger is already here; restore never overwrites one: pass --force to "
                    + "move it aside",
                exitCode: .usage)
        }
        let restored = try LedgerBackup.restore(from: from, to: destination, force: force, clock: clock)
        if let aside = restored.movedAside { print("moved the ledger that was there to \(aside)") }
        print("restored \(from) to \(destination)")
    }
}

/// `ledgersync verify`: the checks that find damage and edits made outside the program.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the ledger: the file, the hash chain over its facts, and every row against the raw responses.",
        discussion: """
            The quick checks (--quick): SQLite's integrity_check and foreign_key_check, the migrations' checksums,             and the hash chain (each link follows from the one before, and each fact, a raw response byte for byte,             still reads as it was linked). Without --quick, a snapshot of the ledger is also rebuilt from its raw             responses in a scratch directory and compared with the ledger table by table, naming the first rows             that differ, and each unit's control totals are recomputed. --expect-head checks that a chain head             written down earlier (an export's manifest.json, check --json, /api/v1/status) is still a point of this             ledger's chain. Reads a snapshot, so it may run while a sync writes; the ledger is never changed. Prints             one line per finding, naming the check and the table. A PostgreSQL ledger (--store-url) verifies with \
            --quick: its migrations and hash chain on one snapshot. Exit codes: 0 clean, 1 findings, 2 usage, 3 the \
            file cannot be read as a ledger.
            """)

    @OptionGroup var ledger: LedgerLocationOptions

    @Flag(name: .long, help: "Only the quick checks: the file, the migrations and the hash chain.")
    var quick = false

    @Option(name: .long, help: "A chain head (64 hex digits) that must be a point of this ledger's chain.")
    var expectHead: String?

    @Option(name: .long, help: "Where the full check puts its two scratch copies (default: the temporary directory).")
    var scratch: String?

    func validate() throws {
        if let expectHead {
            let digits = expectHead.lowercased()
            guard digits.utf8.count == 64, digits.allSatisfy(\.isHexDigit) else {
                throw ValidationError(
                    "--expect-head \(expectHead.prefix(80)) is not a chain head: a head is 64 hex digits")
            }
        }
    }

    func run() async throws {
        let head = expectHead?.lowercased()
        if case .postgres(let location) = try ledger.location() {
            guard quick else {
                throw CommandFailure(
                    message: "\(location) is a PostgreSQL ledger: in this build it verifies with --quick (migrations "
                        + "and the hash chain); the full check re-derives rows with the PostgreSQL rebuild, still to come",
                    exitCode: .usage)
            }
            let logger = Logger(label: "ledgersync.verify") { label in
                LineLogHandler(label: label, format: .text, level: .warning)
            }
            let database = try await PostgresLedger.open(location: location, logger: logger)
            let result: QuickVerification
            do {
                result = try await database.verifyQuick(expectHead: head)
                await database.close()
            } catch {
                await database.close()
                throw error
            }
            try report(
                result.findings, quick: result, totals: [], ledger: "\(location)",
                checked: "migrations, hash chain (quick)")
            return
        }
        let path = try ledger.path()
        let quickResult: QuickVerification
        var findings: [VerifyFinding]
        var totals: [UnitTotals] = []
        if quick {
            quickResult = try LedgerVerifier.quick(path: path, expectHead: head)
            findings = quickResult.findings
        } else {
            let configuration = try ledger.syncConfiguration() ?? SyncConfiguration(storePath: path, sources: [])
            let logger = Logger(label: "ledgersync.verify") { label in
                LineLogHandler(label: label, format: .text, level: .warning)
            }
            let outcome = try await FullVerifier(
                configuration: configuration,
                scratchDirectory: scratch ?? FileManager.default.temporaryDirectory.path, logger: logger
            ).run(path: path, expectHead: head)
            quickResult = outcome.quick
            findings = outcome.findings
            totals = outcome.totals
        }
        try report(
            findings, quick: quickResult, totals: totals, ledger: path,
            checked: "integrity, foreign keys, migrations, hash chain"
                + (quick ? " (quick)" : ", every row re-derived from the raw responses, control totals"))
    }

    /// Prints the findings (exit 1 when there are any), or the chain's head, the totals and what was checked.
    private func report(
        _ findings: [VerifyFinding], quick: QuickVerification, totals: [UnitTotals], ledger: String, checked: String
    ) throws {
        for finding in findings { print(finding) }
        guard findings.isEmpty else {
            throw CommandFailure(
                message: "\(ledger): \(findings.count) finding\(findings.count == 1 ? "" : "s")", exitCode: .findings)
        }
        print("chain: \(quick.head.position) facts, head \(quick.head.hash)")
        if let at = quick.expectedHeadAt { print("the expected head is fact \(at) of this chain") }
        for total in totals { print("control totals \(total)") }
        print("\(ledger): verified: \(checked)")
    }
}
