import Foundation
import LedgerCore
import LedgerSources
import LedgerStore
import Logging

/// One source's part of a run: discovery, bounded concurrent fetches, one transaction per target, gone marking.
struct SourceSync: Sendable {
    let engine: SyncEngine
    let writer: any TargetWriter
    let source: SourceConfiguration
    let sourceID: Int64
    let runID: Int64
    /// The counts of this source's submitted writes as their groups commit, and the first failure.
    let tally = WriteTally()

    func run() async throws(StoreError) -> SyncReport.Source {
        let connector = source.connector(http: engine.httpClient(for: source), clock: engine.clock)

        // Targets stream in as discovery lists them, so the sync holds pages and chunks, never the whole list.
        let targets = SourceTargets(configured: source.accounts, listing: connector.discovery()) {
            outcome async throws(StoreError) in
            try await settle(outcome)
        }
        let progress = engine.progress
        let name = source.name
        let store = engine.store
        let thisSource = sourceID
        let feed = TargetFeed(
            batches: { () async throws(StoreError) -> [Target]? in
                let batch = try await targets.next()
                if let batch, !batch.isEmpty { progress?.discovered(name, batch.count) }
                return batch
            },
            load: { keys async throws(StoreError) in
                try await store.accountStates(sourceID: thisSource, accounts: keys)
            })
        let unchanged = UnchangedTargets(batch: 512)
        // Twice the HTTP concurrency: a target that is decoding, hashing or waiting for room in the writer's queue
        // leaves its request slot to another (the source's HTTP client still caps requests in flight).
        try await forEachTarget(feed, concurrency: source.limits.concurrency * 2, stop: engine.stop) {
            target, stored async throws(StoreError) in
            try await process(
                target.key, stored: stored, connector: connector, displayName: target.name, unchanged: unchanged)
        }
        // The last unchanged targets (fewer than a batch) land now; then every write of this source is in.
        await touch(unchanged.drain())
        await writer.flush()
        var totals = try tally.total()
        let discovery = await targets.discovery

        // Only a complete discovery may say an account is gone: a present account this run did not target.
        // Then accounts are linked to their parents where the source has them (TWCC mother wallets).
        let runID = runID
        // A run stopped early did not target everything the discovery listed: it may call nothing gone.
        let complete = discovery == .complete && engine.stop?.isRequested != true
        let status: RunStatus =
            (totals.fetched == 0 && (totals.errors > 0 || discovery == .failed))
            ? .failed
            : (totals.errors > 0 || totals.quarantined > 0 || discovery == .partial || discovery == .failed)
                ? .partial : .complete
        totals.gone += try await engine.store.finishSource(
            sourceID: thisSource, runID: runID, markGone: complete, status: status, discovery: discovery)
        return SyncReport.Source(name: source.name, status: status, discovery: discovery, counts: totals)
    }

    /// Records that unchanged targets were fetched: their last-seen times and the run's counts, in one unit.
    private func touch(_ keys: [AccountKey]) async {
        guard !keys.isEmpty else { return }
        let tally = tally
        await writer.submit(.unchanged(keys), sourceID: sourceID) { tally.add($0) }
    }

    /// Records an incomplete discovery: its failures and undecodable pages, counted with the source's writes.
    private func settle(_ outcome: ListingOutcome) async throws(StoreError) {
        let counts = try await engine.store.recordDiscovery(
            sourceID: sourceID, runID: runID, sourceName: source.name,
            failures: outcome.failures.map { $0.record(account: nil) },
            quarantined: outcome.quarantined.map { (reason: $0.problem.description, raw: $0.response.record) })
        tally.add(.success(counts))
        engine.logger.warning(
            "discovery incomplete; no account will be marked gone",
            metadata: [
                "source": "\(source.name)", "reason": "\(outcome.failures.first?.description ?? "undecodable page")",
            ])
    }

    /// Fetches one target and writes everything it produced in one transaction.
    private func process(
        _ key: AccountKey, stored: AccountState?, connector: any SourceConnector, displayName: String?,
        unchanged: UnchangedTargets
    ) async throws(StoreError) {
        // A write of this source failed: the ledger itself is failing, so stop taking targets.
        try tally.check()
        let outcome: Result<FetchOutcome<BalanceObservation>, SourceError>
        do {
            outcome = .success(try await connector.fetch(key))
        } catch {
            outcome = .failure(error)
        }
        // Movements, where the source has a log: pulled after the balance, written with it.
        var logs: Result<MovementPages, SourceError>?
        if case .success(.decoded) = outcome {
            let cursor = stored?.logCursor.map { ($0.gmtCreate, $0.remoteID) }
            do {
                logs = try await connector.movements(of: key, after: cursor).map { .success($0) }
            } catch {
                logs = .failure(error)
            }
        }
        if case .failure(let error) = outcome {
            engine.logger.warning("fetch failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
        }
        // The content hash, once: it tells an unchanged target here and goes with a new version to the writer.
        let contentHash: String? =
            if case .success(.decoded(let observation, _)) = outcome { observation.contentHash } else { nil }
        // Nothing new: same content as the current version and no new movement. Told from the state read before
        // the fetch (this run is the only writer, and each target is processed once), so the writer is not involved.
        if case .success(.decoded(let observation, _)) = outcome, let contentHash,
            (try? logs?.get().entries.isEmpty) ?? true,
            stored?.isCurrent(contentHash: contentHash, displayName: displayName ?? observation.displayName) == true
        {
            var counts = RunCounts()
            counts.targets = 1
            engine.progress?.finished(source.name, counts)
            // A full batch of unchanged targets lands as one unit of the group commit.
            if let batch = unchanged.add(key) { await touch(batch) }
            return
        }
        // Everything the write needs is prepared here, off the single writer.
        let write: TargetWrite
        switch outcome {
        case .success(.decoded(var observation, let response)):
            if let displayName { observation.displayName = displayName }
            let movements: TargetWrite.MovementPull? = logs.map { result in
                switch result {
                case .success(let page): .fetched(entries: page.entries, raws: page.responses.map(\.record))
                case .failure(let error): .failed(error.record(account: key))
                }
            }
            write = .observed(observation, raw: response.record, contentHash: contentHash, movements: movements)
        case .success(.quarantined(let problem, let response)):
            write = .quarantined(key, reason: problem.description, raw: response.record)
        case .failure(let error):
            write = .failed(key, error.record(account: key))
        }
        let tally = tally
        let progress = engine.progress
        let name = source.name
        // The target's whole result is one unit of a group transaction: all of it or none of it. The fetch slot is
        // free at once; the counts arrive when the group commits.
        await writer.submit(write, sourceID: sourceID) { result in
            tally.add(result)
            if case .success(let counts) = result { progress?.finished(name, counts) }
        }
    }
}
