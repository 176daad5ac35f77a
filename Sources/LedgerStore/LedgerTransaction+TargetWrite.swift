import LedgerCore

extension LedgerTransaction {
    /// Writes one target's result and adds its counts to the run.
    /// - Returns: The counts it added.
    func write(_ target: TargetWrite, sourceID: Int64, runID: Int64, clockSkewMilliseconds: Int64) throws -> RunCounts {
        var counts = target.baseCounts
        switch target {
        case .observed(let observation, let raw, let contentHash, let movements):
            counts.add(
                try record(
                    observation, raw: raw, sourceID: sourceID, runID: runID,
                    clockSkewMilliseconds: clockSkewMilliseconds, contentHash: contentHash))
            switch movements {
            case .fetched(let entries, let raws)?:
                counts.logEntries = try insertBalanceLogs(
                    sourceID: sourceID, account: observation.account, unit: observation.figures.unit,
                    entries: entries, raws: raws, runID: runID)
            case .failed(let error)?:
                try recordFetchError(sourceID: sourceID, runID: runID, error)
            case nil:
                break
            }
        case .quarantined(let key, let reason, let raw):
            try recordQuarantine(
                sourceID: sourceID, runID: runID, account: key, target: key.description, reason: reason, raw: raw)
        case .failed(let key, let error):
            // Known to the ledger so the error names it, but not "seen": staleness must still show.
            _ = try accountID(sourceID: sourceID, key: key, seen: false, runID: runID)
            try recordFetchError(sourceID: sourceID, runID: runID, error)
        case .unchanged(let keys):
            try touch(sourceID: sourceID, accounts: keys, runID: runID)
        }
        try addCounts(runID: runID, sourceID: sourceID, counts)
        return counts
    }
}
