import LedgerCore
import LedgerSources
import LedgerStore
import Logging

/// `ledgersync rebuild`: re-derives versions, details, conflicts, movements and cursors from the stored raw
/// responses, replaying each fact in the order and at the time the ledger first learned it.
public struct Rebuilder: Sendable {
    let configuration: SyncConfiguration
    let database: LedgerDatabase
    let logger: Logger

    /// A rebuild of `database` with the sources' units from `configuration`.
    public init(configuration: SyncConfiguration, database: LedgerDatabase, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.logger = logger
    }

    /// What a rebuild re-derived.
    public struct Report: Sendable, Equatable {
        /// Stored responses read.
        public var responses = 0
        /// Versions recorded.
        public var versions = 0
        /// Movements recorded.
        public var movements = 0
        /// Accounts marked gone.
        public var gone = 0
    }

    /// Rebuilds, in one transaction: the derived tables are cleared and every fact is replayed in order, each at
    /// its own time, up to ``factsPerBatch`` at a time, the balances of a run of one source's responses recorded as
    /// one batch (``LedgerTransaction/record(batch:sourceID:runID:clockSkewMilliseconds:)``).
    ///
    /// One transaction, because the facts are found through what was derived from them (a raw response with a
    /// version, a gone marker that is a version): a rebuild that committed the cleared tables and then stopped (a
    /// kill, a full disk) lost every fact it had not replayed yet, and readers saw a half-rebuilt ledger meanwhile.
    /// Now a rebuild that stops leaves the ledger as it was, and readers see the old ledger until it commits.
    /// - Throws: ``StoreError``; nothing is changed.
    public func run() async throws(StoreError) -> Report {
        let events = try database.rebuildEvents()
        let units = Dictionary(uniqueKeysWithValues: configuration.sources.map { ($0.name, $0.unit) })
        let skew = configuration.clockSkewSeconds * 1000
        let rebuild: @Sendable (LedgerTransaction) throws -> Report = { tx in
            try tx.clearDerivedTables()
            var report = Report()
            var first = 0
            while first < events.count {
                let chunk = Array(events[first..<min(first + Self.factsPerBatch, events.count)])
                first += chunk.count
                let delta = try Self.replay(chunk, tx: tx, units: units, skew: skew)
                report.responses += delta.responses
                report.versions += delta.versions
                report.movements += delta.movements
                report.gone += delta.gone
            }
            return report
        }
        // Each fact is recorded at its own time; the transaction's own time matters only when there is none.
        let report =
            if let start = events.first?.at {
                try await database.transaction(at: start, rebuild)
            } else {
                try await database.transaction(rebuild)
            }
        logger.info("rebuilt the ledger from raw responses", metadata: ["responses": "\(report.responses)"])
        return report
    }

    /// Facts replayed at a time: a batch of a source's balances is at most this long.
    static let factsPerBatch = 1_000

    /// Replays `events` in order, each at its own time; consecutive balances of one source go as one batch.
    private static func replay(
        _ events: [RebuildEvent], tx: LedgerTransaction, units: [String: MoneyUnit], skew: Int64
    ) throws -> Report {
        var delta = Report()
        var batch: [PendingObservation] = []
        var batchSource: Int64? = nil
        func flush() throws {
            guard let source = batchSource, !batch.isEmpty else { return }
            let results = try tx.record(batch: batch, sourceID: source, runID: nil, clockSkewMilliseconds: skew)
            delta.versions += results.filter { if case .added = $0 { true } else { false } }.count
            batch.removeAll(keepingCapacity: true)
            batchSource = nil
        }
        for event in events {
            let at = tx.recorded(at: event.at)
            switch event {
            case .gone(let sourceID, let account, _, let runID):
                try flush()
                if try at.replayGone(sourceID: sourceID, account: account, runID: runID) { delta.gone += 1 }
            case .raw(let id, _):
                guard let raw = try tx.storedRaw(id: id) else { continue }
                delta.responses += 1
                let unit = units[raw.sourceName] ?? raw.kind.connectorType.settingsType.defaultUnit
                switch StoredResponseDecoder.decode(
                    kind: raw.kind, url: raw.url, status: raw.httpStatus, body: raw.body,
                    dateHeader: raw.dateHeaderAt, receivedAt: raw.receivedAt, unit: unit, source: raw.sourceName)
                {
                case .balance(let observation):
                    if batchSource != raw.sourceID { try flush() }
                    batchSource = raw.sourceID
                    batch.append(PendingObservation(observation, storedRawID: raw.id, at: event.at))
                case .balanceLog(let account, let entries):
                    // Movements carry the unit of the account's balance, which the balances before them set.
                    try flush()
                    let logUnit = try at.currentUnit(sourceID: raw.sourceID, account: account) ?? unit
                    delta.movements += try at.insertBalanceLogs(
                        sourceID: raw.sourceID, account: account, unit: logUnit, entries: entries, raws: [],
                        runID: nil, storedRawID: raw.id)
                case .nothing:
                    break
                }
            }
        }
        try flush()
        return delta
    }
}
