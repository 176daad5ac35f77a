import LedgerCore
import LedgerStore
import PostgresNIO

extension PostgresTransaction {
    /// Adds a source to a run.
    public func beginRunSource(runID: Int64, sourceID: Int64) async throws {
        try await connection.query(
            "INSERT INTO sync_run_source (run_id, source_id, status) VALUES (\(runID), \(sourceID), 'running')",
            logger: logger)
    }

    /// Adds counts to a run's source row.
    public func addCounts(runID: Int64, sourceID: Int64, _ counts: RunCounts) async throws {
        try await connection.query(
            """
            UPDATE sync_run_source SET targets = targets + \(counts.targets), fetched = fetched + \(counts.fetched),
                versions_added = versions_added + \(counts.versionsAdded), unchanged = unchanged + \(counts.unchanged),
                gone = gone + \(counts.gone), conflicts = conflicts + \(counts.conflicts),
                errors = errors + \(counts.errors), quarantined = quarantined + \(counts.quarantined),
                log_entries = log_entries + \(counts.logEntries)
            WHERE run_id = \(runID) AND source_id = \(sourceID)
            """, logger: logger)
    }

    /// Ends a source's part of a run.
    public func finishRunSource(
        runID: Int64, sourceID: Int64, status: RunStatus, discovery: DiscoveryOutcome
    ) async throws {
        try await connection.query(
            """
            UPDATE sync_run_source SET status = \(status.rawValue), discovery = \(discovery.rawValue)
            WHERE run_id = \(runID) AND source_id = \(sourceID)
            """, logger: logger)
    }

    /// Closes what syncers of `sourceID` that died left open, once this process holds the source's lock.
    ///
    /// Every syncer holds the lock of each of its sources while its run is open, and the server releases a dead
    /// syncer's locks, so a source row still `running` when its lock is free belongs to a syncer that is gone: it
    /// becomes `failed`. A run whose sources are all closed that way becomes `interrupted`; a run with another
    /// source still `running` stays open until that source's next syncer closes it.
    /// - Returns: The runs found abandoned for this source.
    func closeAbandonedRuns(sourceID: Int64) async throws -> [Int64] {
        var runs: [Int64] = []
        let rows = try await connection.query(
            """
            UPDATE sync_run_source SET status = 'failed'
            WHERE source_id = \(sourceID) AND status = 'running'
            RETURNING run_id
            """, logger: logger)
        for try await (run) in rows.decode(Int64.self) { runs.append(run) }
        guard !runs.isEmpty else { return [] }
        try await connection.query(
            """
            UPDATE sync_run SET status = 'interrupted', ended_at = greatest(started_at, \(now.millisecondsSinceEpoch)),
                message = 'its syncer stopped without finishing (its session ended); found by the next syncer'
            WHERE id = ANY(\(runs)) AND status = 'running'
              AND NOT EXISTS (SELECT 1 FROM sync_run_source AS s WHERE s.run_id = sync_run.id AND s.status = 'running')
            """, logger: logger)
        return runs
    }
}
