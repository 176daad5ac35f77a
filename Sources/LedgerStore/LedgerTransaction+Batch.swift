import GRDB
import LedgerCore

/// One observation for ``LedgerTransaction/record(batch:sourceID:runID:clockSkewMilliseconds:)``.
public struct PendingObservation: Sendable {
    /// The normalized observation.
    public var observation: BalanceObservation
    /// Its ``BalanceObservation/contentHash``, when the caller has it already.
    public var contentHash: String?
    /// When the ledger learned it: the recorded time of what it adds (`nil`: the transaction's time). A rebuild
    /// replays each fact at its own time.
    public var at: Instant?
    let evidence: RawEvidence

    /// An observation with the response it came from, stored only if something is derived from it.
    public init(
        _ observation: BalanceObservation, raw: RawResponseRecord, contentHash: String? = nil, at: Instant? = nil
    ) {
        self.observation = observation
        self.contentHash = contentHash
        self.at = at
        self.evidence = .new(raw)
    }

    /// An observation whose raw response is already stored (a rebuild).
    public init(_ observation: BalanceObservation, storedRawID: Int64, contentHash: String? = nil, at: Instant? = nil) {
        self.observation = observation
        self.contentHash = contentHash
        self.at = at
        self.evidence = .stored(storedRawID)
    }
}

extension LedgerTransaction {
    /// Records many observations of one source, with exactly the results and effects of recording them one by one
    /// in order with ``record(_:raw:sourceID:runID:clockSkewMilliseconds:contentHash:)``.
    ///
    /// Most observations of a large replay repeat what the ledger holds. Those are told apart for the whole batch by
    /// one statement, and only the account rows registering them would change are written (those whose last-seen
    /// time and run alone change, by one more), instead of three statements each;
    /// everything else (new accounts, changes, conflicts, an account twice in the batch) takes the one-by-one path
    /// in order. An observation counts as unchanged here only when the one-by-one path would find it so: its
    /// account exists and appears once in the batch, its current version is present with the same content hash,
    /// its gmtModified is not beyond the clock-skew limit, and its parent (if it names one) is known already.
    ///
    /// - Returns: One result per observation, in order.
    public func record(
        batch: [PendingObservation], sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64 = LedgerDefaults.clockSkewSeconds * 1000
    ) throws -> [ObservationResult] {
        guard !batch.isEmpty else { return [] }
        let hashes = batch.map { $0.contentHash ?? $0.observation.contentHash }
        let touches = try unchangedInBatch(
            batch, hashes: hashes, sourceID: sourceID, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
        try apply(touches.compactMap { $0 })
        var results: [ObservationResult] = []
        results.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() {
            if touches[index] != nil {
                results.append(.unchanged)
                continue
            }
            let tx = pending.at.map(recorded(at:)) ?? self
            results.append(
                try tx.record(
                    pending.observation, evidence: pending.evidence, sourceID: sourceID, runID: runID,
                    clockSkewMilliseconds: clockSkewMilliseconds, contentHash: hashes[index]))
        }
        return results
    }

    /// For each observation of the batch that repeats the current version of an account appearing once in the
    /// batch, what registering its account would write; `nil` for the others.
    private func unchangedInBatch(
        _ batch: [PendingObservation], hashes: [String], sourceID: Int64, runID: Int64?, clockSkewMilliseconds: Int64
    ) throws -> [AccountTouch?] {
        let keys = batch.map { $0.observation.account.description }
        var occurrences: [String: Int] = [:]
        occurrences.reserveCapacity(keys.count)
        for key in keys { occurrences[key, default: 0] += 1 }
        var candidates: [Int] = []
        candidates.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() where occurrences[keys[index]] == 1 {
            let limit = (pending.at ?? now).millisecondsSinceEpoch + clockSkewMilliseconds
            if let modified = pending.observation.sourceModifiedAt, modified.millisecondsSinceEpoch > limit { continue }
            candidates.append(index)
        }
        var touches = [AccountTouch?](repeating: nil, count: batch.count)
        guard !candidates.isEmpty else { return touches }
        // The parents named, by key, among those the ledger knows: one named but unknown is registered (or not) by
        // the one-by-one path.
        let parentKeys = Set(candidates.compactMap { batch[$0].observation.parent?.description })
        var parents: [String: Int64] = [:]
        if !parentKeys.isEmpty {
            let named = Array(parentKeys)
            for row in try db.fetchAll(
                sql: """
                    SELECT j.key, p.id FROM json_each(?1) AS j
                    CROSS JOIN account AS p ON p.source_id = ?2 AND p.account_key = j.value
                    """,
                arguments: [Self.jsonArray(named), sourceID], { (Int($0.int64(0)), $0.int64(1)) })
            {
                parents[named[row.0]] = row.1
            }
        }
        // The keys as a flat JSON array of strings: each element is the value itself, with no second parse. CROSS
        // JOIN keeps the batch the outer loop, each row one index search; left to itself, the planner scans every
        // account of the source and the batch for each.
        let stored = try db.fetchAll(
            sql: """
                SELECT j.key, a.id, a.display_name, a.parent_account_id, a.last_seen_at, a.last_run_id,
                    v.content_hash, v.state = 'present'
                FROM json_each(?1) AS j
                CROSS JOIN account AS a ON a.source_id = ?2 AND a.account_key = j.value
                JOIN balance_version AS v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                """,
            arguments: [Self.jsonArray(candidates.map { keys[$0] }), sourceID]
        ) { columns in
            (
                index: candidates[Int(columns.int64(0))],
                account: StoredAccount(
                    id: columns.int64(1), displayName: columns.optionalText(2), parentID: columns.optionalInt64(3),
                    lastSeenAt: columns.int64(4), lastRunID: columns.optionalInt64(5)),
                hash: columns.text(6), present: columns.bool(7)
            )
        }
        for row in stored where row.present && row.hash == hashes[row.index] {
            let observation = batch[row.index].observation
            var parentID: Int64? = nil
            if let parent = observation.parent {
                guard let id = parents[parent.description] else { continue }
                parentID = id
            }
            // The upsert of registerAccount, worked out here: given values replace stored ones, the last-seen time
            // only moves forward.
            let account = row.account
            touches[row.index] = AccountTouch(
                id: account.id, stored: account,
                displayName: observation.displayName ?? account.displayName, parentID: parentID ?? account.parentID,
                lastSeenAt: max(account.lastSeenAt, (batch[row.index].at ?? now).millisecondsSinceEpoch),
                lastRunID: runID ?? account.lastRunID)
        }
        return touches
    }

    /// Writes what the touches change: the common case (only the last-seen time and run, the same for all) as one
    /// statement, anything else an account at a time; an account with nothing to change is not written.
    private func apply(_ touches: [AccountTouch]) throws {
        var together: [Int64] = []
        var shared: (seen: Int64, run: Int64?)? = nil
        for touch in touches where touch.changes {
            let onlySeen =
                touch.displayName == touch.stored.displayName && touch.parentID == touch.stored.parentID
            if onlySeen, shared == nil || shared! == (touch.lastSeenAt, touch.lastRunID) {
                shared = (touch.lastSeenAt, touch.lastRunID)
                together.append(touch.id)
                continue
            }
            try db.cachedStatement(
                sql: """
                    UPDATE account SET display_name = ?, parent_account_id = ?, last_seen_at = ?, last_run_id = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [touch.displayName, touch.parentID, touch.lastSeenAt, touch.lastRunID, touch.id])
        }
        guard let shared, !together.isEmpty else { return }
        var ids: [UInt8] = [UInt8(ascii: "[")]
        ids.reserveCapacity(together.count * 8)
        for (position, id) in together.enumerated() {
            if position > 0 { ids.append(UInt8(ascii: ",")) }
            appendDecimal(id, to: &ids)
        }
        ids.append(UInt8(ascii: "]"))
        try db.cachedStatement(
            sql: """
                UPDATE account SET last_seen_at = ?2, last_run_id = ?3
                WHERE id IN (SELECT value FROM json_each(?1))
                """
        ).execute(arguments: [String(decoding: ids, as: UTF8.self), shared.seen, shared.run])
    }

    /// Strings as one JSON array.
    private static func jsonArray(_ strings: [String]) -> String {
        var json: [UInt8] = [UInt8(ascii: "[")]
        json.reserveCapacity(strings.count * 24)
        for (position, string) in strings.enumerated() {
            if position > 0 { json.append(UInt8(ascii: ",")) }
            JSONValue.writeString(string, to: &json)
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
    }
}

/// The columns of an account row that registering it may change.
private struct StoredAccount {
    var id: Int64
    var displayName: String?
    var parentID: Int64?
    var lastSeenAt: Int64
    var lastRunID: Int64?
}

/// An account row before and after what registering it again writes.
private struct AccountTouch {
    var id: Int64
    var stored: StoredAccount
    var displayName: String?
    var parentID: Int64?
    var lastSeenAt: Int64
    var lastRunID: Int64?

    var changes: Bool {
        displayName != stored.displayName || parentID != stored.parentID || lastSeenAt != stored.lastSeenAt
            || lastRunID != stored.lastRunID
    }
}

extension LedgerTransaction {
    /// The same transaction, recording what it writes at `instant`: a rebuild replays each fact at the time the
    /// ledger first learned it, many facts to a transaction.
    public func recorded(at instant: Instant) -> LedgerTransaction {
        LedgerTransaction(db: db, now: instant, pendingCounts: pendingCounts)
    }
}
