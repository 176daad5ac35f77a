import ArgumentParser
import LedgerCore
import LedgerStore
import Logging

/// `ledgersync migrate`: create or upgrade the ledger database, or show its migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the ledger database with the migrations built into ledgersync.",
        discussion: """
            A new database is created at the latest schema version (file mode 0600). An older one is upgraded after \
            a verified backup is written beside it. A database written by a newer ledgersync, or whose applied \
            migrations differ from the shipped files, is refused and left untouched (exit code 3).
            """
    )

    @OptionGroup var ledger: LedgerLocationOptions

    @Flag(name: .long, help: "List applied and pending migrations with their SHA-256, changing nothing.")
    var status = false

    func run() async throws {
        let db = try ledger.path()
        if status {
            print(MigrationStatus.table(try LedgerDatabase.migrationStatus(path: db)))
            return
        }
        let logger = Logger(label: "ledgersync.migrate")
        let database = try LedgerDatabase.open(path: db, logger: logger)
        let report = database.openReport
        if report.created {
            print("created \(db) at schema \(Migration.shipped.last?.id ?? "-")")
        } else if report.applied.isEmpty {
            print("\(db) is up to date at schema \(Migration.shipped.last?.id ?? "-")")
        } else {
            print("upgraded \(db): applied \(report.applied.joined(separator: ", "))")
        }
        if let backup = report.backupPath { print("backup written to \(backup)") }
    }
}
