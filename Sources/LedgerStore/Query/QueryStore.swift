import LedgerCore

/// The lists `ledgersync query` prints, in either store: ``LedgerReader`` answers them from a SQLite file, the
/// PostgreSQL store from its database, each in its own SQL, with the same rows in the same order and the same
/// paging cursors, so the printed answers are byte for byte the same.
public protocol QueryStore: Sendable {
    /// Each selected account's balance as of an instant (see ``LedgerReader/balances(asOf:filter:page:)``).
    func balances(asOf: AsOf, filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<BalanceRow>
    /// The selected accounts' versions (see ``LedgerReader/history(filter:includeSuperseded:page:)``).
    func history(
        filter: QueryFilter, includeSuperseded: Bool, page: PageRequest
    ) async throws(QueryError) -> Page<BalanceRow>
    /// What changed in a window on one axis (see ``LedgerReader/changes(axis:filter:page:)``).
    func changes(axis: TimeAxis, filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<ChangeRow>
    /// The conflicts recorded (see ``LedgerReader/conflicts(filter:kinds:page:)``).
    func conflicts(
        filter: QueryFilter, kinds: [String], page: PageRequest
    ) async throws(QueryError)
        -> Page<ConflictRow>
    /// Sync runs, newest first (see ``LedgerReader/runs(filter:page:)``).
    func runs(filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<RunRow>
    /// Failed fetches and quarantined payloads (see ``LedgerReader/errors(filter:runID:page:)``).
    func errors(filter: QueryFilter, runID: Int64?, page: PageRequest) async throws(QueryError) -> Page<ErrorRow>
    /// ModelRouter movements (see ``LedgerReader/movements(filter:page:)``).
    func movements(filter: QueryFilter, page: PageRequest) async throws(QueryError) -> Page<MovementRow>
    /// Sums per source and unit (see ``LedgerReader/totals(asOf:filter:)``).
    func totals(asOf: AsOf, filter: QueryFilter) async throws(QueryError) -> [TotalRow]
    /// Each unit's display scale.
    func unitScales() async throws(QueryError) -> UnitScales
    /// One read-only SQL statement of the user's, in the store's own dialect (see ``LedgerReader/sql(_:limit:)``).
    func sql(_ text: String, limit: Int) async throws(QueryError) -> SQLResult
}

extension LedgerReader: QueryStore {}

extension QueryFilter {
    /// Checks the filter against the ledger's sources, the same way in every store.
    /// - Parameter sources: Each source's name and kind, in name order (byte order).
    /// - Throws: ``QueryError``: a window that ends before it starts, an unknown source, a source of a kind the
    ///   filter excludes.
    package func validate(sources: [(name: String, kind: String)]) throws(QueryError) {
        if let from, let to, from >= to {
            throw QueryError(.conflictingFilters("--from \(from) is not before --to \(to)"))
        }
        let kindOf = Dictionary(sources.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        for name in self.sources where kindOf[name] == nil {
            throw QueryError(.unknownSource(name, known: sources.map(\.name)))
        }
        if !kinds.isEmpty {
            let allowed = Set(kinds.map(\.rawValue))
            for name in self.sources {
                guard let kind = kindOf[name], !allowed.contains(kind) else { continue }
                throw QueryError(
                    .conflictingFilters(
                        "--source \(name) is a \(kind) source, which --kind \(kinds.map(\.rawValue).joined(separator: ",")) excludes"
                    ))
            }
        }
    }

    /// The filter of `runs`, which are per source.
    package func validateForRuns() throws(QueryError) {
        guard accounts.isEmpty, namePattern == nil, units.isEmpty else {
            throw QueryError(.conflictingFilters("runs are per source: --account, --name and --unit do not apply"))
        }
    }
}

/// What the reconciliation reads besides the query lists (`export`, `check`), in either store.
public protocol ReportStore: QueryStore {
    /// The selected accounts in (source, key) order, with first and last seen times.
    func accounts(filter: QueryFilter) async throws(QueryError) -> [AccountSummary]
    /// The row ids of the selected accounts, in the order of ``accounts(filter:)``.
    func accountIDs(filter: QueryFilter) async throws(QueryError) -> [Int64]
    /// Each selected ModelRouter account's last movement before `instant`, by account id.
    func lastMovements(before instant: Instant, filter: QueryFilter) async throws(QueryError) -> [Int64: MovementRow]
    /// The source details of versions, by version id (gone versions have none).
    func details(versionIDs: [Int64]) async throws(QueryError) -> [Int64: SourceDetails]
    /// The last applied migration of the store's schema.
    func schemaVersion() async throws(QueryError) -> String
    /// The head of the hash chain.
    func chainHead() async throws(QueryError) -> ChainHead
}

extension LedgerReader: ReportStore {}
