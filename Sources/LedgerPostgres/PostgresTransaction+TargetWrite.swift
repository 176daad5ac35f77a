import LedgerCore
import LedgerStore

extension PostgresTransaction {
    /// Writes one target's result (the SQLite store's unit, in PostgreSQL's SQL) and returns its counts; the group
    /// adds them to the run once.
    func write(
        _ target: TargetWrite, sourceID: Int64, runID: Int64, clockSkewMilliseconds: Int64
    ) async throws
        -> RunCounts
    {
        var counts = target.baseCounts
        switch target {
        case .observed(let observation, let raw, let contentHash, let movements):
            counts.add(
                try await record(
                    observation, raw: raw, sourceID: sourceID, runID: runID,
                    clockSkewMilliseconds: clockSkewMilliseconds, contentHash: contentHash))
            switch movements {
            case .fetched(let entries, let raws)?:
                counts.logEntries = try await insertBalanceLogs(
                    sourceID: sourceID, account: observation.account, unit: observation.figures.unit,
                    entries: entries, raws: raws, runID: runID)
            case .failed(let error)?:
                try await recordFetchError(sourceID: sourceID, runID: runID, error)
            case nil:
                break
            }
        case .quarantined(let key, let reason, let raw):
            try await recordQuarantine(
                sourceID: sourceID, runID: runID, account: key, target: key.description, reason: reason, raw: raw)
        case .failed(let key, let error):
            // Known to the ledger so the error names it, but not "seen": staleness must still show.
            _ = try await registerAccount(
                sourceID: sourceID, key: key, displayName: nil, parent: nil, seen: false, runID: runID)
            try await recordFetchError(sourceID: sourceID, runID: runID, error)
        case .unchanged(let keys):
            try await touch(sourceID: sourceID, accounts: keys, runID: runID)
        }
        return counts
    }
}
