import LedgerCore
import LedgerStore

/// What `ledgersync query` can list.
public enum QueryKind: String, Sendable, CaseIterable {
    /// Each account's balance as of an instant on each time axis.
    case balances
    /// An account's versions over time.
    case history
    /// Versions that started in a window, beside the ones they followed.
    case changes
    /// The gmtModified conflicts the sync met.
    case conflicts
    /// Sync runs and their counts.
    case runs
    /// Failed fetches and quarantined payloads.
    case errors
    /// ModelRouter balance-log entries.
    case movements
    /// Sums of available balances per source and unit.
    case totals
}

/// Everything a `ledgersync query` invocation asks, already parsed and checked.
public struct QueryOptions: Sendable {
    /// How the rows are printed.
    public var format: ReportTable.Format = .table
    /// The zone times are shown in (stored times are UTC).
    public var zone: DisplayZone = .utc
    /// Which sources, accounts and units.
    public var filter = QueryFilter()
    /// balances and totals: the instant on each axis.
    public var asOf = AsOf.now
    /// changes: the axis the window is on.
    public var axis: TimeAxis = .valid
    /// history: also rows that later knowledge replaced.
    public var includeSuperseded = false
    /// conflicts: the kinds to keep.
    public var conflictKinds: [String] = []
    /// errors: one run only.
    public var runID: Int64?
    /// Where the page starts and how long it is.
    public var page = PageRequest()

    /// Every option at its default: current balances of everything, as a table in UTC.
    public init() {}
}

/// The printed answer of a query and the cursor for its next page.
public struct QueryOutput: Sendable {
    /// The rows, printed.
    public var text: String
    /// The `--after` value of the next page; `nil` on the last.
    public var nextCursor: String?
    /// Rows on this page.
    public var rowCount: Int
}

/// Runs a `ledgersync query` subcommand against a reader: the CLI is only argument parsing around this.
public enum QueryRunner {
    /// Answers one query in the requested format.
    /// - Parameters:
    ///   - kind: Which list.
    ///   - reader: The ledger, read-only, in either store.
    ///   - options: Filters, instants, format, zone and paging.
    /// - Returns: The text to print and the next page's cursor.
    /// - Throws: ``QueryError``.
    public static func run(
        _ kind: QueryKind, reader: any QueryStore, options: QueryOptions
    ) async throws(QueryError)
        -> QueryOutput
    {
        let (table, next) = try await table(kind, reader: reader, options: options)
        return QueryOutput(
            text: table.rendered(as: options.format, zone: options.zone), nextCursor: next, rowCount: table.rows.count)
    }

    /// Appends the rows of ``run(_:reader:options:)`` in JSON (`options.format` aside) to `out` as UTF-8 bytes:
    /// what `serve` sends, with no `String` in between.
    /// - Returns: The next page's cursor; `nil` on the last.
    /// - Throws: ``QueryError``.
    public static func writeJSON(
        _ kind: QueryKind, reader: any QueryStore, options: QueryOptions, to out: inout [UInt8]
    ) async throws(QueryError) -> String? {
        let (table, next) = try await table(kind, reader: reader, options: options)
        table.writeJSONArray(to: &out)
        return next
    }

    /// One page of a list as a table with the ledger's unit scales, and the next page's cursor.
    static func table(
        _ kind: QueryKind, reader: any QueryStore, options: QueryOptions
    ) async throws(QueryError) -> (ReportTable, String?) {
        var table: ReportTable
        let next: String?
        switch kind {
        case .balances:
            let page = try await reader.balances(asOf: options.asOf, filter: options.filter, page: options.page)
            (table, next) = (QueryTables.balances(page.rows), page.nextCursor)
        case .history:
            let page = try await reader.history(
                filter: options.filter, includeSuperseded: options.includeSuperseded, page: options.page)
            (table, next) = (QueryTables.balances(page.rows), page.nextCursor)
        case .changes:
            let page = try await reader.changes(axis: options.axis, filter: options.filter, page: options.page)
            (table, next) = (QueryTables.changes(page.rows), page.nextCursor)
        case .conflicts:
            let page = try await reader.conflicts(
                filter: options.filter, kinds: options.conflictKinds, page: options.page)
            (table, next) = (QueryTables.conflicts(page.rows), page.nextCursor)
        case .runs:
            let page = try await reader.runs(filter: options.filter, page: options.page)
            (table, next) = (QueryTables.runs(page.rows), page.nextCursor)
        case .errors:
            let page = try await reader.errors(filter: options.filter, runID: options.runID, page: options.page)
            (table, next) = (QueryTables.errors(page.rows), page.nextCursor)
        case .movements:
            let page = try await reader.movements(filter: options.filter, page: options.page)
            (table, next) = (QueryTables.movements(page.rows), page.nextCursor)
        case .totals:
            (table, next) = (
                QueryTables.totals(try await reader.totals(asOf: options.asOf, filter: options.filter)), nil
            )
        }
        table.scales = try await reader.unitScales()
        return (table, next)
    }

    /// Answers `query sql` in the requested format.
    public static func sql(
        _ text: String, reader: any QueryStore, options: QueryOptions
    ) async throws(QueryError) -> QueryOutput {
        let result = try await reader.sql(text, limit: options.page.limit)
        let table = QueryTables.sql(result)
        return QueryOutput(
            text: table.rendered(as: options.format, zone: options.zone), nextCursor: nil, rowCount: table.rows.count)
    }
}
