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

    /// Rebuilds. Each fact is its own transaction; the tables are cleared in the first one.
    /// - Throws: ``StoreError``.
    public func run() async throws(StoreError) -> Report {
        let events = try database.rebuildEvents()
        try await database.transaction { tx in try tx.clearDerivedTables() }
        let units = Dictionary(uniqueKeysWithValues: configuration.sources.map { ($0.name, $0.unit) })
        let skew = configuration.clockSkewSeconds * 1000
        var report = Report()
        for event in events {
            let delta = try await database.transaction(at: event.at) { tx in
                var delta = Report()
                switch event {
                case .gone(let sourceID, let account, _, let runID):
                    if try tx.markGone(sourceID: sourceID, account: account, runID: runID) { delta.gone = 1 }
                case .raw(let id, _):
                    guard let raw = try tx.storedRaw(id: id) else { return delta }
                    delta.responses = 1
                    let unit = units[raw.sourceName] ?? raw.kind.connectorType.settingsType.defaultUnit
                    switch StoredResponseDecoder.decode(
                        kind: raw.kind, url: raw.url, status: raw.httpStatus, body: raw.body,
                        dateHeader: raw.dateHeaderAt,
                        receivedAt: raw.receivedAt, unit: unit, source: raw.sourceName)
                    {
                    case .balance(let observation):
                        if case .added = try tx.record(
                            observation, storedRawID: raw.id, sourceID: raw.sourceID, runID: nil,
                            clockSkewMilliseconds: skew)
                        {
                            delta.versions = 1
                        }
                    case .balanceLog(let account, let entries):
                        // Movements carry the unit of the account's balance.
                        let logUnit = try tx.currentUnit(sourceID: raw.sourceID, account: account) ?? unit
                        delta.movements = try tx.insertBalanceLogs(
                            sourceID: raw.sourceID, account: account, unit: logUnit,
                            entries: entries, raws: [],
                            runID: nil, storedRawID: raw.id)
                    case .nothing:
                        break
                    }
                }
                return delta
            }
            report.responses += delta.responses
            report.versions += delta.versions
            report.movements += delta.movements
            report.gone += delta.gone
        }
        logger.info("rebuilt the ledger from raw responses", metadata: ["responses": "\(report.responses)"])
        return report
    }
}
