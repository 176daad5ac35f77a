import ArgumentParser
import LedgerCore
import LedgerReports
import LedgerServer
import LedgerStore

// Each `ledgersync query` list declares only the options that apply to it (their help is the API's parameter
// table's, QueryParameters.table), so `query balances --help` offers
// neither --from nor --conflict-kind; running one is QueryListCommand.run.

/// Which sources a query covers.
struct QuerySourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("source")))
    var source: [String] = []

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("kind")))
    var kind: [SourceKind] = []
}

/// Which accounts of those sources a query covers.
struct QueryAccountOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("account")))
    var account: [String] = []

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("name")))
    var name: String?

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("unit")))
    var unit: [String] = []
}

/// A time window.
struct QueryWindowOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("from")))
    var from: String?

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("to")))
    var to: String?
}

/// The instant on each time axis a balance is asked as of.
struct QueryAsOfOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(QueryParameters.help("as_of")))
    var asOf: String?

    @Option(name: .customLong("recorded-as-of"), help: ArgumentHelp(QueryParameters.help("recorded_as_of")))
    var recordedAsOf: String?

    func asOf(zone: DisplayZone) throws -> AsOf {
        AsOf(
            valid: try asOf.map { try parseTime($0, "--as-of", zone) },
            recorded: try recordedAsOf.map { try parseTime($0, "--recorded-as-of", zone) })
    }
}

/// A `ledgersync query` list: its kind, and how its options become ``QueryOptions``.
protocol QueryListCommand: AsyncParsableCommand {
    static var kind: QueryKind { get }
    var common: QueryCommonOptions { get }
    /// The options beyond the common ones (format, zone, paging), for times in `zone`.
    func options(zone: DisplayZone) throws -> QueryOptions
}

extension QueryListCommand {
    static func listConfiguration(_ abstract: String) -> CommandConfiguration {
        CommandConfiguration(commandName: kind.rawValue, abstract: abstract)
    }

    func run() async throws {
        let zone = try common.zone()
        var options = try options(zone: zone)
        options.format = common.format
        options.zone = zone
        options.page = PageRequest(limit: common.limit, after: common.after)
        let kind = Self.kind
        try await QueryCommand.print(location: try common.ledger.location()) { reader throws(QueryError) in
            try await QueryRunner.run(kind, reader: reader, options: options)
        }
    }

    static func filter(
        _ sources: QuerySourceOptions, _ accounts: QueryAccountOptions? = nil, _ window: QueryWindowOptions? = nil,
        zone: DisplayZone
    ) throws -> QueryFilter {
        QueryFilter(
            sources: sources.source, kinds: sources.kind, accounts: accounts?.account ?? [],
            namePattern: accounts?.name, units: accounts?.unit ?? [],
            from: try window?.from.map { try parseTime($0, "--from", zone) },
            to: try window?.to.map { try parseTime($0, "--to", zone) })
    }
}

struct QueryBalancesCommand: QueryListCommand {
    static let kind = QueryKind.balances
    static let configuration: CommandConfiguration = listConfiguration(
        "Each account's balance now, or as of an instant on valid or recorded time.")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var sources: QuerySourceOptions
    @OptionGroup var accounts: QueryAccountOptions
    @OptionGroup var asOf: QueryAsOfOptions

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try Self.filter(sources, accounts, zone: zone)
        options.asOf = try asOf.asOf(zone: zone)
        return options
    }
}

struct QueryHistoryCommand: QueryListCommand {
    static let kind = QueryKind.history
    static let configuration: CommandConfiguration = listConfiguration(
        "Every version of the selected accounts, oldest first.")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var selection: QueryFilterOptions

    @Flag(name: .long, help: ArgumentHelp(QueryParameters.help("include_superseded")))
    var includeSuperseded = false

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try selection.filter(zone: zone)
        options.includeSuperseded = includeSuperseded
        return options
    }
}

struct QueryChangesCommand: QueryListCommand {
    static let kind = QueryKind.changes
    static let configuration: CommandConfiguration = listConfiguration(
        "What changed between --from and --to, with before, after and delta.")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var selection: QueryFilterOptions

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("axis")))
    var axis: TimeAxis = .valid

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try selection.filter(zone: zone)
        options.axis = axis
        return options
    }
}

struct QueryConflictsCommand: QueryListCommand {
    static let kind = QueryKind.conflicts
    static let configuration: CommandConfiguration = listConfiguration("Conflicts on gmtModified recorded by the sync.")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var selection: QueryFilterOptions

    @Option(name: .customLong("conflict-kind"), help: ArgumentHelp(QueryParameters.help("conflict_kind")))
    var conflictKind: [String] = []

    func validate() throws {
        let known = ConflictKind.allCases.map(\.rawValue)
        if let bad = conflictKind.first(where: { !known.contains($0) }) {
            throw ValidationError("--conflict-kind \(bad): expected one of \(known.joined(separator: ", "))")
        }
    }

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try selection.filter(zone: zone)
        options.conflictKinds = conflictKind
        return options
    }
}

struct QueryRunsCommand: QueryListCommand {
    static let kind = QueryKind.runs
    static let configuration: CommandConfiguration = listConfiguration(
        "Sync runs, newest first, with their counts (runs are per source).")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var sources: QuerySourceOptions
    @OptionGroup var window: QueryWindowOptions

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try Self.filter(sources, nil, window, zone: zone)
        return options
    }
}

struct QueryErrorsCommand: QueryListCommand {
    static let kind = QueryKind.errors
    static let configuration: CommandConfiguration = listConfiguration("Failed fetches and quarantined payloads.")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var selection: QueryFilterOptions

    @Option(name: .long, help: ArgumentHelp(QueryParameters.help("run")))
    var run: Int64?

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try selection.filter(zone: zone)
        options.runID = run
        return options
    }
}

struct QueryMovementsCommand: QueryListCommand {
    static let kind = QueryKind.movements
    static let configuration: CommandConfiguration = listConfiguration("ModelRouter balance-log entries (movements).")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var selection: QueryFilterOptions

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try selection.filter(zone: zone)
        return options
    }
}

struct QueryTotalsCommand: QueryListCommand {
    static let kind = QueryKind.totals
    static let configuration: CommandConfiguration = listConfiguration(
        "Available balance summed per source and unit (never across units).")
    @OptionGroup var common: QueryCommonOptions
    @OptionGroup var sources: QuerySourceOptions
    @OptionGroup var accounts: QueryAccountOptions
    @OptionGroup var asOf: QueryAsOfOptions

    func options(zone: DisplayZone) throws -> QueryOptions {
        var options = QueryOptions()
        options.filter = try Self.filter(sources, accounts, zone: zone)
        options.asOf = try asOf.asOf(zone: zone)
        return options
    }
}
