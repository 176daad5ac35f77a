import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresLedger: SyncStore {
    public var locationDescription: String { location.description }

    public func beginRun(
        mode: RunMode, host: String, pid: Int32, sources: [SourceName]
    ) async throws(StoreError) -> (runID: Int64, sourceIDs: [Int64]) {
        var ids: [Int64] = []
        for source in sources { ids.append(try await sourceID(name: source.name, kind: source.kind)) }
        let sourceIDs = ids
        return try await transaction { tx in
            let runID = try await tx.beginRun(mode: mode, host: host, pid: pid)
            for id in sourceIDs { try await tx.beginRunSource(runID: runID, sourceID: id) }
            return (runID, sourceIDs)
        }
    }

    public func accountStates(
        sourceID: Int64, accounts: [AccountKey]
    ) async throws(StoreError) -> [AccountKey: AccountState] {
        guard !accounts.isEmpty else { return [:] }
        let keys = Dictionary(accounts.map { ($0.description, $0) }, uniquingKeysWith: { first, _ in first })
        do {
            let rows = try await client.query(
                """
                SELECT a.account_key, a.display_name, v.state, v.content_hash, c.last_gmt_create, c.last_remote_id
                FROM account a
                LEFT JOIN balance_version v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                LEFT JOIN modelrouter_log_cursor c ON c.account_id = a.id
                WHERE a.source_id = \(sourceID) AND a.account_key = ANY(\(Array(keys.keys)))
                """, logger: logger)
            var states: [AccountKey: AccountState] = [:]
            for try await (key, displayName, state, hash, gmtCreate, remoteID) in rows.decode(
                (String, String?, String?, String?, Int64?, Int64?).self)
            {
                guard let account = keys[key] else { continue }
                let cursor = gmtCreate.flatMap { created in
                    remoteID.map {
                        AccountState.LogCursor(gmtCreate: Instant(millisecondsSinceEpoch: created), remoteID: $0)
                    }
                }
                states[account] = AccountState(
                    contentHash: state == VersionState.present.rawValue ? hash : nil, displayName: displayName,
                    logCursor: cursor)
            }
            return states
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    public func targetWriter(runID: Int64, clockSkewMilliseconds: Int64) -> any TargetWriter {
        PostgresTargetWriter(ledger: self, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
    }

    public func recordDiscovery(
        sourceID: Int64, runID: Int64, sourceName: String, failures: [FetchErrorRecord],
        quarantined: [(reason: String, raw: RawResponseRecord)]
    ) async throws(StoreError) -> RunCounts {
        try await transaction { tx in
            var counts = RunCounts()
            for failure in failures {
                try await tx.recordFetchError(sourceID: sourceID, runID: runID, failure)
                counts.errors += 1
            }
            for page in quarantined {
                try await tx.recordQuarantine(
                    sourceID: sourceID, runID: runID, account: nil, target: "discovery of \(sourceName)",
                    reason: page.reason, raw: page.raw)
                counts.quarantined += 1
            }
            try await tx.addCounts(runID: runID, sourceID: sourceID, counts)
            return counts
        }
    }

    public func finishSource(
        sourceID: Int64, runID: Int64, markGone: Bool, status: RunStatus, discovery: DiscoveryOutcome
    ) async throws(StoreError) -> Int {
        try await transaction { tx in
            var counts = RunCounts()
            if markGone {
                counts.gone = try await tx.markUntargetedGone(sourceID: sourceID, runID: runID)
                try await tx.addCounts(runID: runID, sourceID: sourceID, counts)
            }
            try await tx.linkParentAccounts(sourceID: sourceID)
            try await tx.finishRunSource(runID: runID, sourceID: sourceID, status: status, discovery: discovery)
            return counts.gone
        }
    }

    public func finishRun(runID: Int64, status: RunStatus, message: String?) async throws(StoreError) {
        try await transaction { tx in try await tx.finishRun(runID: runID, status: status, message: message) }
    }

    /// One transaction for a group of units. The common cases (a new account, newer content, unchanged content)
    /// are written set-based, a few statements for the whole group (``PostgresTransaction/writeBatch(_:runID:)``);
    /// every other unit runs in a savepoint of its own, in order, and a unit that fails rolls back alone. A group
    /// whose batch fails is run again one unit at a time, so a bad unit never takes others with it. A group that
    /// PostgreSQL aborts to break a deadlock with another writer (syncers of other sources meet on the chain's lock
    /// and on shared rows such as `unit_scale`) is run again from the start, a few times.
    func commitGroup(
        _ units: [(write: TargetWrite, sourceID: Int64)], runID: Int64, clockSkewMilliseconds: Int64
    ) async -> [Result<RunCounts, StoreError>] {
        var attempt = 0
        var batching = true
        while true {
            attempt += 1
            do {
                return try await uncheckedTransaction { tx in
                    try await write(
                        units, in: tx, batching: batching, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
                }
            } catch {
                if attempt < 5, Self.isTransient(error) {
                    logger.info(
                        "a write group met another writer's locks; running it again",
                        metadata: ["attempt": "\(attempt)"])
                    continue
                }
                if batching {
                    logger.info("a write group's batch failed; running it again one unit at a time")
                    batching = false
                    continue
                }
                let failure = StoreError(wrapping: error, location: location)
                return units.map { _ in .failure(failure) }
            }
        }
    }

    private func write(
        _ units: [(write: TargetWrite, sourceID: Int64)], in tx: PostgresTransaction, batching: Bool, runID: Int64,
        clockSkewMilliseconds: Int64
    ) async throws -> [Result<RunCounts, StoreError>] {
        var results = [Result<RunCounts, StoreError>](repeating: .success(RunCounts()), count: units.count)
        var bySource: [Int64: RunCounts] = [:]
        let plans =
            batching
            ? try await tx.planGroup(units, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
            : units.map { _ in GroupPlan.oneByOne }
        var pending: [(index: Int, unit: BatchedObservation)] = []
        // Batched units before a one-by-one unit are written first: rows and ids come in the units' order.
        for index in 0...plans.count {
            if index < plans.count, case .batched(let unit) = plans[index] {
                pending.append((index, unit))
                continue
            }
            if !pending.isEmpty {
                let counts = try await tx.writeBatch(pending.map(\.unit), runID: runID)
                for ((position, unit), unitCounts) in zip(pending, counts) {
                    results[position] = .success(unitCounts)
                    bySource[unit.sourceID, default: RunCounts()] =
                        bySource[unit.sourceID, default: RunCounts()]
                        + unitCounts
                }
                pending.removeAll(keepingCapacity: true)
            }
            guard index < plans.count else { break }
            let unit = units[index]
            let head = tx.chain.head
            try await tx.connection.query("SAVEPOINT unit", logger: tx.logger)
            do {
                let counts = try await tx.write(
                    unit.write, sourceID: unit.sourceID, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
                try await tx.connection.query("RELEASE SAVEPOINT unit", logger: tx.logger)
                bySource[unit.sourceID, default: RunCounts()] = bySource[unit.sourceID, default: RunCounts()] + counts
                results[index] = .success(counts)
            } catch {
                if Self.isTransient(error) { throw error }
                try await tx.connection.query("ROLLBACK TO SAVEPOINT unit", logger: tx.logger)
                try await tx.connection.query("RELEASE SAVEPOINT unit", logger: tx.logger)
                // The links the unit appended are gone with it.
                tx.chain.head = head
                results[index] = .failure(StoreError(wrapping: error, location: location))
            }
        }
        for (sourceID, counts) in bySource.sorted(by: { $0.key < $1.key }) {
            try await tx.addCounts(runID: runID, sourceID: sourceID, counts)
        }
        return results
    }

    /// A deadlock or serialization failure: the transaction was aborted for another's sake and can run again.
    static func isTransient(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            return (transaction.closureError ?? transaction.commitError).map(isTransient) ?? false
        }
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] else {
            return false
        }
        return state == "40P01" || state == "40001"
    }
}

/// The PostgreSQL store's unit writer: a ``UnitBatcher`` over ``PostgresLedger/commitGroup(_:runID:clockSkewMilliseconds:)``.
private struct PostgresTargetWriter: TargetWriter {
    let batcher: UnitBatcher<(write: TargetWrite, sourceID: Int64), RunCounts>

    init(ledger: PostgresLedger, runID: Int64, clockSkewMilliseconds: Int64) {
        batcher = UnitBatcher(maximumGroup: 512, capacity: 1024, delay: .milliseconds(20)) { units in
            await ledger.commitGroup(units, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
        }
    }

    func submit(
        _ write: TargetWrite, sourceID: Int64, completion: @escaping @Sendable (Result<RunCounts, StoreError>) -> Void
    ) async {
        await batcher.submit((write, sourceID), completion: completion)
    }

    func flush() async { await batcher.flush() }
}
