import LedgerCore

extension LedgerDatabase: SyncStore {
    public var locationDescription: String { path ?? "an in-memory ledger" }

    public func beginRun(
        mode: RunMode, host: String, pid: Int32, sources: [SourceName]
    ) async throws(StoreError) -> (runID: Int64, sourceIDs: [Int64]) {
        try await transaction { tx in
            let runID = try tx.beginRun(mode: mode, host: host, pid: pid)
            var ids: [Int64] = []
            for source in sources {
                let id = try tx.sourceID(name: source.name, kind: source.kind)
                try tx.beginRunSource(runID: runID, sourceID: id)
                ids.append(id)
            }
            return (runID, ids)
        }
    }

    public func targetWriter(runID: Int64, clockSkewMilliseconds: Int64) -> any TargetWriter {
        SQLiteTargetWriter(
            committer: GroupCommitter(database: self), runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
    }

    public func recordDiscovery(
        sourceID: Int64, runID: Int64, sourceName: String, failures: [FetchErrorRecord],
        quarantined: [(reason: String, raw: RawResponseRecord)]
    ) async throws(StoreError) -> RunCounts {
        let pages = quarantined.map { QuarantinedPage(reason: $0.reason, raw: $0.raw) }
        return try await transaction { tx in
            var counts = RunCounts()
            for failure in failures {
                try tx.recordFetchError(sourceID: sourceID, runID: runID, failure)
                counts.errors += 1
            }
            for page in pages {
                try tx.recordQuarantine(
                    sourceID: sourceID, runID: runID, account: nil, target: "discovery of \(sourceName)",
                    reason: page.reason, raw: page.raw)
                counts.quarantined += 1
            }
            try tx.addCounts(runID: runID, sourceID: sourceID, counts)
            return counts
        }
    }

    public func finishSource(
        sourceID: Int64, runID: Int64, markGone: Bool, status: RunStatus, discovery: DiscoveryOutcome
    ) async throws(StoreError) -> Int {
        try await transaction { tx in
            var counts = RunCounts()
            if markGone {
                counts.gone = try tx.markUntargetedGone(sourceID: sourceID, runID: runID)
                try tx.addCounts(runID: runID, sourceID: sourceID, counts)
            }
            try tx.linkParentAccounts(sourceID: sourceID)
            try tx.finishRunSource(runID: runID, sourceID: sourceID, status: status, discovery: discovery)
            return counts.gone
        }
    }

    public func finishRun(runID: Int64, status: RunStatus, message: String?) async throws(StoreError) {
        try await transaction { tx in try tx.finishRun(runID: runID, status: status, message: message) }
    }
}

private struct QuarantinedPage: Sendable {
    let reason: String
    let raw: RawResponseRecord
}

/// The SQLite store's unit writer: a ``GroupCommitter``, each unit one savepoint.
private struct SQLiteTargetWriter: TargetWriter {
    let committer: GroupCommitter
    let runID: Int64
    let clockSkewMilliseconds: Int64

    func submit(
        _ write: TargetWrite, sourceID: Int64, completion: @escaping @Sendable (Result<RunCounts, StoreError>) -> Void
    ) async {
        let (runID, skew) = (runID, clockSkewMilliseconds)
        await committer.submit(
            { tx in try tx.write(write, sourceID: sourceID, runID: runID, clockSkewMilliseconds: skew) },
            completion: completion)
    }

    func flush() async { await committer.flush() }
}
