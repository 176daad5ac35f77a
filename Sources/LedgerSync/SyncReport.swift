import LedgerStore

/// What a sync run did.
public struct SyncReport: Sendable {
    public struct Source: Sendable {
        /// The source instance's name.
        public var name: String
        /// How its part of the run ended.
        public var status: RunStatus
        /// `none`, `complete`, `partial` or `failed`.
        public var discovery: DiscoveryOutcome
        /// What it fetched, added and met.
        public var counts: RunCounts
    }

    /// The run's id in the ledger.
    public var runID: Int64
    public var status: RunStatus
    /// Each source's part, in config order.
    public var sources: [Source]

    /// One line per source and a closing line, for the terminal and cron logs.
    public var summary: String {
        var lines = sources.map { source in
            let c = source.counts
            return
                "\(source.name): \(source.status.rawValue), \(c.fetched)/\(c.targets) fetched, \(c.versionsAdded) new "
                + "versions, \(c.unchanged) unchanged, \(c.gone) gone, \(c.conflicts) conflicts, \(c.logEntries) "
                + "movements, \(c.errors) errors, \(c.quarantined) quarantined (discovery \(source.discovery))"
        }
        lines.append("run \(runID): \(status.rawValue)")
        return lines.joined(separator: "\n")
    }
}
