import ArgumentParser
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync migrate`: create or upgrade the ledger database, or show its migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the ledger database with the migrations built into ledgersync.",
        discussion: """
            A new database is created at the latest schema version (a SQLite file of mode 0600). An older one is \
            upgraded: a SQLite file after a verified backup is written beside it; a PostgreSQL database (--store-url) \
            under an advisory lock, so that processes starting at once migrate it once. A database written by a \
            newer ledgersync, or whose applied migrations differ from the shipped files, is refused and left \
            untouched (exit code 3). Each store has its own migrations.
            """
    )

    @OptionGroup var ledger: LedgerLocationOptions

    @Flag(name: .long, help: "List applied and pending migrations with their SHA-256, changing nothing.")
    var status = false

    func run() async throws {
        let logger = Logger(label: "ledgersync.migrate")
        switch try ledger.location() {
        case .sqlite(let db):
            if status {
                print(MigrationStatus.table(try LedgerDatabase.migrationStatus(path: db)))
                return
            }
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
        case .postgres(let location):
            if status {
                print(
                    MigrationStatus.table(try await PostgresLedger.migrationStatus(location: location, logger: logger)))
                return
            }
            let database = try await PostgresLedger.open(location: location, logger: logger)
            await database.close()
            if database.applied.isEmpty {
                print("\(location) is up to date at schema \(Migration.postgreSQL.last?.id ?? "-")")
            } else {
                print("migrated \(location): applied \(database.applied.joined(separator: ", "))")
            }
        }
    }
}
