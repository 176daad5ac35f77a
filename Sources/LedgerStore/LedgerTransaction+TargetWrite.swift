import LedgerCore

extension LedgerTransaction {
    /// Writes one target's result and adds its counts to the run.
    /// - Returns: The counts it added.
    func write(_ target: TargetWrite, sourceID: Int64, runID: Int64, clockSkewMilliseconds: Int64) throws -> RunCounts {
        var counts = RunCounts()
        switch target {
        case .observed(let observation, let raw, let contentHash, let movements):
            counts.targets = 1
            counts.fetched = 1
            switch try record(
                observation, raw: raw, sourceID: sourceID, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds,
                contentHash: contentHash)
            {
            case .added: counts.versionsAdded = 1
            case .unchanged: counts.unchanged = 1
            case .conflict(_, let recorded): counts.conflicts = recorded ? 1 : 0
            }
            switch movements {
            case .fetched(let entries, let raws)?:
                counts.logEntries = try insertBalanceLogs(
                    sourceID: sourceID, account: observation.account, unit: observation.figures.unit,
                    entries: entries, raws: raws, runID: runID)
            case .failed(let error)?:
                try recordFetchError(sourceID: sourceID, runID: runID, error)
                counts.errors += 1
            case nil:
                break
            }
        case .quarantined(let key, let reason, let raw):
            counts.targets = 1
            counts.fetched = 1
            counts.quarantined = 1
            try recordQuarantine(
                sourceID: sourceID, runID: runID, account: key, target: key.description, reason: reason, raw: raw)
        case .failed(let key, let error):
            counts.targets = 1
            counts.errors = 1
            // Known to the ledger so the error names it, but not "seen": staleness must still show.
            _ = try accountID(sourceID: sourceID, key: key, seen: false, runID: runID)
            try recordFetchError(sourceID: sourceID, runID: runID, error)
        case .unchanged(let keys):
            counts.targets = keys.count
            counts.fetched = keys.count
            counts.unchanged = keys.count
            try touch(sourceID: sourceID, accounts: keys, runID: runID)
        }
        try addCounts(runID: runID, sourceID: sourceID, counts)
        return counts
    }
}
