import ArgumentParser
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync

/// `ledgersync backup`: an online copy of the ledger, checked before it is named.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger while syncs and servers use it, check the copy, and write its manifest beside it.",
        discussion: """
            The copy is taken with SQLite's backup API from one consistent snapshot, written under NAME.partial, \
            checked with integrity_check, forced to disk, then renamed to NAME (mode 0600); NAME.manifest.json holds \
            its schema, row counts and SHA-256. A failed or killed backup leaves nothing at NAME. Exit codes: 0 done, \
            2 usage, 3 the ledger or the copy failed (a full disk included).
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
                + "SHA-256 \(manifest.sha256)")
    }
}

/// `ledgersync restore`: a checked backup put in place of a ledger, which is moved aside, never overwritten.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup, then put a copy of it where the ledger is (the ledger there is moved aside).",
        discussion: """
            The backup is checked first: its manifest's SHA-256, integrity_check, foreign keys, and a schema this \
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
        abstract: "Check the ledger file: SQLite's integrity check, the foreign keys, and the migrations' checksums.",
        discussion: """
            Reads one consistent snapshot, so it may run while a sync writes. Prints one line per finding, naming \
            the check and the table. These are the quick checks (--quick); re-deriving every row from the raw \
            responses and a hash chain over the facts are not part of verify yet. Exit codes: 0 clean, 1 findings, \
            3 the file cannot be read as a ledger.
            """)

    @OptionGroup var ledger: LedgerLocationOptions

    @Flag(name: .long, help: "Only the quick checks (the only ones verify has so far).")
    var quick = false

    func run() async throws {
        let path = try ledger.path()
        let findings = try LedgerVerifier.quick(path: path)
        for finding in findings { print(finding) }
        guard findings.isEmpty else {
            throw CommandFailure(
                message: "\(path): \(findings.count) finding\(findings.count == 1 ? "" : "s")", exitCode: .findings)
        }
        print("\(path): integrity, foreign keys and migrations verified")
    }
}
