import LedgerCore

/// What a sync writes, in either store: the engine hands each target's result over as data and never sees a
/// transaction or a statement, so the same engine runs on the SQLite file and on a PostgreSQL database.
///
/// Every implementation gives the same guarantees: each ``TargetWrite`` is one unit, all of it or none of it (a
/// savepoint of a group transaction in both stores); a run's counts are exactly what its committed units wrote;
/// every fact is linked into the hash chain in the transaction that writes it.
public protocol SyncStore: Sendable {
    /// Where the ledger is, for messages.
    var locationDescription: String { get }

    /// Records a new run of `sources` (each registered on first use) and returns its id and the sources' ids, in
    /// order.
    /// - Throws: ``StoreError``, also when a source name is registered with another kind.
    func beginRun(
        mode: RunMode, host: String, pid: Int32, sources: [SourceName]
    ) async throws(StoreError) -> (runID: Int64, sourceIDs: [Int64])

    /// The ledger's current state of many accounts of one source (accounts it does not know are absent).
    func accountStates(
        sourceID: Int64, accounts: [AccountKey]
    ) async throws(StoreError) -> [AccountKey: AccountState]

    /// A writer of target units for one run, committing them in groups.
    func targetWriter(runID: Int64, clockSkewMilliseconds: Int64) -> any TargetWriter

    /// Records an incomplete discovery of a source: its failures and its undecodable pages, in one transaction.
    /// - Returns: The counts it added to the run.
    func recordDiscovery(
        sourceID: Int64, runID: Int64, sourceName: String, failures: [FetchErrorRecord],
        quarantined: [(reason: String, raw: RawResponseRecord)]
    ) async throws(StoreError) -> RunCounts

    /// Ends a source's part of a run in one transaction: after a complete discovery (`markGone`), the present
    /// accounts the run did not target are marked gone; accounts are linked to their parents; the source's status
    /// and discovery outcome are recorded.
    /// - Returns: How many accounts were marked gone.
    func finishSource(
        sourceID: Int64, runID: Int64, markGone: Bool, status: RunStatus, discovery: DiscoveryOutcome
    ) async throws(StoreError) -> Int

    /// Records the end of a run.
    func finishRun(runID: Int64, status: RunStatus, message: String?) async throws(StoreError)
}

/// A configured source as a run registers it.
public struct SourceName: Sendable, Hashable {
    public var name: String
    public var kind: SourceKind

    public init(name: String, kind: SourceKind) {
        self.name = name
        self.kind = kind
    }
}

/// Commits the units of one run in groups (see ``GroupCommitter``); each submitter hears its unit's counts.
public protocol TargetWriter: Sendable {
    /// Queues one unit and returns; waits only while the queue is full.
    func submit(
        _ write: TargetWrite, sourceID: Int64, completion: @escaping @Sendable (Result<RunCounts, StoreError>) -> Void
    ) async
    /// Returns once every unit submitted before the call has been committed (or has failed).
    func flush() async
}

/// One target's result, ready for the writer: everything a fetch produced, written as one unit.
public enum TargetWrite: Sendable {
    /// A decoded balance (with the display name the config gives already applied) and its response, and the
    /// movements pulled after it, when the source has a log.
    case observed(
        BalanceObservation, raw: RawResponseRecord, contentHash: String?, movements: MovementPull?)
    /// A response that did not decode: kept with its reason, nothing derived.
    case quarantined(AccountKey, reason: String, raw: RawResponseRecord)
    /// A failed fetch: the account is registered (not seen) and the failure recorded.
    case failed(AccountKey, FetchErrorRecord)
    /// Fetches that changed nothing: the accounts are marked seen by this run.
    case unchanged([AccountKey])

    /// A movement pull's outcome.
    public enum MovementPull: Sendable {
        /// New entries and the pages they came from.
        case fetched(entries: [BalanceLogEntry], raws: [RawResponseRecord])
        /// The pull failed: recorded as a fetch error of the account.
        case failed(FetchErrorRecord)
    }
}

extension TargetWrite {
    /// The counts a unit adds whatever the store finds: its targets, fetches, quarantines and failures.
    package var baseCounts: RunCounts {
        var counts = RunCounts()
        switch self {
        case .observed(_, _, _, let movements):
            counts.targets = 1
            counts.fetched = 1
            if case .failed? = movements { counts.errors = 1 }
        case .quarantined:
            counts.targets = 1
            counts.fetched = 1
            counts.quarantined = 1
        case .failed:
            counts.targets = 1
            counts.errors = 1
        case .unchanged(let keys):
            counts.targets = keys.count
            counts.fetched = keys.count
            counts.unchanged = keys.count
        }
        return counts
    }
}

extension RunCounts {
    /// Adds what recording one observation did.
    package mutating func add(_ result: ObservationResult) {
        switch result {
        case .added: versionsAdded += 1
        case .unchanged: unchanged += 1
        case .conflict(_, let recorded): conflicts += recorded ? 1 : 0
        }
    }
}
