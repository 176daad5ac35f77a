import ArgumentParser
import Foundation
import LedgerCore
import LedgerReports
import LedgerStore

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
            QueryListCommand<Balances>.self, QueryListCommand<History>.self, QueryListCommand<Changes>.self,
            QueryListCommand<Conflicts>.self, QueryListCommand<Runs>.self, QueryListCommand<Errors>.self,
            QueryListCommand<Movements>.self, QueryListCommand<Totals>.self, QuerySQLCommand.self,
        ]
    )
}

/// Options every query shares.
struct QueryCommonOptions: ParsableArguments {
    @Option(name: .long, help: "The database file.")
    var db: String = "ledger.sqlite"

    @Option(name: .long, help: "Output format: table, json, ndjson or csv.")
    var format: ReportTable.Format = .table

    @Option(name: .long, help: "Zone for times shown in table and CSV output and for dates given: UTC, +08:00, Asia/Taipei.")
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

/// Which accounts a query covers.
struct QueryFilterOptions: ParsableArguments {
    @Option(name: .long, help: "A source instance name (repeatable).")
    var source: [String] = []

    @Option(name: .long, help: "A source kind: modelrouter, dms_credit or twcc_wallet (repeatable).")
    var kind: [SourceKind] = []

    @Option(name: .long, help: "An account key such as 17, 101:2 or MST123456/W0001 (repeatable).")
    var account: [String] = []

    @Option(name: .long, help: "Accounts whose key or name matches this pattern (* and ?), case-insensitive.")
    var name: String?

    @Option(name: .long, help: "A unit such as CNY, tokens or SU (repeatable).")
    var unit: [String] = []

    @Option(name: .long, help: "The start of the time window (inclusive).")
    var from: String?

    @Option(name: .long, help: "The end of the time window (exclusive).")
    var to: String?

    func filter(zone: DisplayZone) throws -> QueryFilter {
        QueryFilter(
            sources: source, kinds: kind, accounts: account, namePattern: name, units: unit,
            from: try from.map { try parseTime($0, "--from", zone) }, to: try to.map { try parseTime($0, "--to", zone) })
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

/// What distinguishes one query subcommand from another.
protocol QueryKindSpec {
    static var kind: QueryKind { get }
    static var abstract: String { get }
}

enum Balances: QueryKindSpec {
    static let kind = QueryKind.balances
    static let abstract = "Each account's balance now, or as of an instant on valid or recorded time."
}
enum History: QueryKindSpec {
    static let kind = QueryKind.history
    static let abstract = "Every version of the selected accounts, oldest first."
}
enum Changes: QueryKindSpec {
    static let kind = QueryKind.changes
    static let abstract = "What changed between --from and --to, with before, after and delta."
}
enum Conflicts: QueryKindSpec {
    static let kind = QueryKind.conflicts
    static let abstract = "Conflicts on gmtModified recorded by the sync."
}
enum Runs: QueryKindSpec {
    static let kind = QueryKind.runs
    static let abstract = "Sync runs, newest first, with their counts."
}
enum Errors: QueryKindSpec {
    static let kind = QueryKind.errors
    static let abstract = "Failed fetches and quarantined payloads."
}
enum Movements: QueryKindSpec {
    static let kind = QueryKind.movements
    static let abstract = "ModelRouter balance-log entries (movements)."
}
enum Totals: QueryKindSpec {
    static let kind = QueryKind.totals
    static let abstract = "Available balance summed per source and unit (never across units)."
}

/// `ledgersync query <kind>`.
struct QueryListCommand<Spec: QueryKindSpec>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Spec.kind.rawValue, abstract: Spec.abstract)
    }

    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var filters: QueryFilterOptions

    @Option(name: .customLong("as-of"), help: "balances, totals: the valid-time instant (when it was true at the source).")
    var asOf: String?

    @Option(name: .customLong("recorded-as-of"), help: "balances, totals: the recorded-time instant (what the ledger knew then).")
    var recordedAsOf: String?

    @Option(name: .long, help: "changes: the time axis of the window, valid or recorded.")
    var axis: TimeAxis = .valid

    @Flag(name: .long, help: "history: also show rows later knowledge replaced.")
    var includeSuperseded = false

    @Option(
        name: .customLong("conflict-kind"),
        help: "conflicts: \(ConflictKind.allCases.map(\.rawValue).joined(separator: ", ")) (repeatable).")
    var conflictKind: [String] = []

    @Option(name: .long, help: "errors: only those of this run.")
    var run: Int64?

    func validate() throws {
        let kind = Spec.kind
        if asOf != nil || recordedAsOf != nil, kind != .balances, kind != .totals {
            throw ValidationError("--as-of and --recorded-as-of apply to balances and totals only")
        }
        if filters.from != nil || filters.to != nil, kind == .balances || kind == .totals {
            throw ValidationError("--from/--to do not apply to \(kind.rawValue); use --as-of")
        }
        if includeSuperseded, kind != .history { throw ValidationError("--include-superseded applies to history only") }
        if !conflictKind.isEmpty, kind != .conflicts { throw ValidationError("--conflict-kind applies to conflicts only") }
        let known = ConflictKind.allCases.map(\.rawValue)
        if let bad = conflictKind.first(where: { !known.contains($0) }) {
            throw ValidationError("--conflict-kind \(bad): expected one of \(known.joined(separator: ", "))")
        }
        if run != nil, kind != .errors { throw ValidationError("--run applies to errors only") }
    }

    func run() async throws {
        let zone = try common.zone()
        var options = QueryOptions()
        options.format = common.format
        options.zone = zone
        options.filter = try filters.filter(zone: zone)
        options.asOf = AsOf(
            valid: try asOf.map { try parseTime($0, "--as-of", zone) },
            recorded: try recordedAsOf.map { try parseTime($0, "--recorded-as-of", zone) })
        options.axis = axis
        options.includeSuperseded = includeSuperseded
        options.conflictKinds = conflictKind
        options.runID = run
        options.page = PageRequest(limit: common.limit, after: common.after)
        try QueryCommand.print(db: common.db) { reader throws(QueryError) in
            try QueryRunner.run(Spec.kind, reader: reader, options: options)
        }
    }
}

/// `ledgersync query sql "SELECT …"`.
struct QuerySQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement on the ledger.",
        discussion: """
            INSERT, UPDATE, DELETE, DDL, ATTACH, VACUUM and pragmas that set or act are refused with exit code 2; \
            the connection is read-only besides, so the database file is never changed. An amount is two \
            INTEGER columns, <name>_whole (the integer part) and <name>_nanos (billionths, with the amount's \
            sign); times are INTEGER milliseconds since 1970 UTC.
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
        try QueryCommand.print(db: common.db) { reader throws(QueryError) in
            try QueryRunner.sql(statement, reader: reader, options: options)
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
        FileHandle.standardOutput.write(Data(output.text.utf8))
        if let next = output.nextCursor {
            FileHandle.standardError.write(Data("ledgersync: more rows follow; next page: --after \(next)\n".utf8))
        }
    }
}
