import ArgumentParser
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerReports
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync query`: answers from the local ledger, offline, read-only.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer questions from the ledger: balances as of a time, history, changes, conflicts, runs.",
        discussion: """
            Every query runs on a read-only connection: it works with no network and while a sync is writing. \
            Times are ISO-8601 with a zone (2026-11-20T08:00:00Z, 2026-11-20T16:00:00+08:00) or a date alone \
            (midnight in --tz). Large results come in pages: when more rows follow, the cursor for the next page \
            is printed on standard error; pass it with --after. Exit code 2 for a bad argument, 3 for a database \
            error.
            """,
        subcommands: [
            QueryBalancesCommand.self, QueryHistoryCommand.self, QueryChangesCommand.self, QueryConflictsCommand.self,
            QueryRunsCommand.self, QueryErrorsCommand.self, QueryMovementsCommand.self, QueryTotalsCommand.self,
            QuerySQLCommand.self,
        ]
    )
}

/// Options every query shares.
struct QueryCommonOptions: ParsableArguments {
    @OptionGroup var ledger: LedgerLocationOptions

    @Option(name: .long, help: "Output format: table, json, ndjson or csv.")
    var format: ReportTable.Format = .table

    @Option(
        name: .long, help: "Zone for times shown in table and CSV output and for dates given: UTC, +08:00, Asia/Taipei."
    )
    var tz: String = "UTC"

    @Option(name: .long, help: "The most rows to print (a page).")
    var limit: Int = 1000

    @Option(name: .long, help: "Continue after this cursor (printed on standard error when more rows follow).")
    var after: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func zone() throws -> DisplayZone {
        do { return try DisplayZone(tz) } catch { throw CommandFailure(message: error.description, exitCode: .usage) }
    }
}

/// Which sources and accounts, and which time window, a query or a report covers.
struct QueryFilterOptions: ParsableArguments {
    @OptionGroup var sources: QuerySourceOptions
    @OptionGroup var accounts: QueryAccountOptions
    @OptionGroup var window: QueryWindowOptions

    func filter(zone: DisplayZone) throws -> QueryFilter {
        QueryFilter(
            sources: sources.source, kinds: sources.kind, accounts: accounts.account, namePattern: accounts.name,
            units: accounts.unit, from: try window.from.map { try parseTime($0, "--from", zone) },
            to: try window.to.map { try parseTime($0, "--to", zone) })
    }
}

extension SourceKind: ExpressibleByArgument {}
extension ReportTable.Format: ExpressibleByArgument {}
extension TimeAxis: ExpressibleByArgument {}

func parseTime(_ text: String, _ argument: String, _ zone: DisplayZone) throws -> Instant {
    do { return try zone.parse(text, argument: argument) } catch {
        throw CommandFailure(message: error.description, exitCode: .usage)
    }
}

/// `ledgersync query sql "SELECT …"`.
struct QuerySQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement on the ledger.",
        discussion: """
            INSERT, UPDATE, DELETE, DDL, ATTACH, VACUUM and pragmas that set or act are refused with exit code 2; \
            the connection is read-only besides, so the database file is never changed. On a PostgreSQL ledger the \
            statement runs in a read-only transaction (anything that writes is refused, exit 2) that is rolled \
            back, with a 60 s statement timeout. An amount is two INTEGER columns, <name>_whole (the integer part) \
            and <name>_nanos (billionths, with the amount's sign); times are INTEGER milliseconds since 1970 UTC.
            """
    )

    @OptionGroup var common: QueryCommonOptions

    @Argument(help: "The SQL statement.")
    var statement: String

    func run() async throws {
        var options = QueryOptions()
        options.format = common.format
        options.zone = try common.zone()
        options.page = PageRequest(limit: common.limit)
        try await QueryCommand.print(location: try common.ledger.location()) { reader throws(QueryError) in
            try await QueryRunner.sql(statement, reader: reader, options: options)
        }
    }
}

extension QueryCommand {
    /// Opens the ledger read-only, runs one query, prints it, and maps its errors to exit codes.
    static func print(db: String, _ body: (LedgerReader) throws(QueryError) -> QueryOutput) throws {
        let reader = try LedgerReader.open(path: db)
        defer { try? reader.close() }
        let output: QueryOutput
        do {
            output = try body(reader)
        } catch {
            throw CommandFailure(message: error.description, exitCode: error.isUsageError ? .usage : .store)
        }
        write(output)
    }

    /// Answers a list from the ledger at `location`, in either store, and prints it.
    static func print(
        location: StoreLocation, _ body: (any QueryStore) async throws(QueryError) -> QueryOutput
    ) async throws {
        let output = try await ReadOnlyLedger.with(location) { store in
            do throws(QueryError) {
                return try await body(store)
            } catch {
                throw CommandFailure(message: error.description, exitCode: error.isUsageError ? .usage : .store)
            }
        }
        write(output)
    }

    private static func write(_ output: QueryOutput) {
        FileHandle.standardOutput.write(Data(output.text.utf8))
        if let next = output.nextCursor {
            FileHandle.standardError.write(Data("ledgersync: more rows follow; next page: --after \(next)\n".utf8))
        }
    }
}
