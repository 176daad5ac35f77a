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
    /// Most observations of a large replay or first sync repeat what the ledger holds. Those are told apart for the
    /// whole batch by one statement, and their accounts refreshed by another, instead of three statements each;
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
        let keys = batch.map { $0.observation.account.description }
        let unchanged = try unchangedInBatch(
            batch, keys: keys, hashes: hashes, sourceID: sourceID, clockSkewMilliseconds: clockSkewMilliseconds)
        try touch(batch, accounts: unchanged, sourceID: sourceID, runID: runID)
        var results: [ObservationResult] = []
        results.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() {
            if unchanged[index] != nil {
                results.append(.unchanged)
                continue
            }
            let tx = pending.at.map { LedgerTransaction(db: db, now: $0, pendingCounts: pendingCounts) } ?? self
            results.append(
                try tx.record(
                    pending.observation, evidence: pending.evidence, sourceID: sourceID, runID: runID,
                    clockSkewMilliseconds: clockSkewMilliseconds, contentHash: hashes[index]))
        }
        return results
    }

    /// Which observations of the batch repeat the current version of an account that appears once in the batch:
    /// the account's row id for those, `nil` for the others.
    private func unchangedInBatch(
        _ batch: [PendingObservation], keys: [String], hashes: [String], sourceID: Int64, clockSkewMilliseconds: Int64
    ) throws -> [Int64?] {
        var occurrences: [String: Int] = [:]
        occurrences.reserveCapacity(keys.count)
        for key in keys { occurrences[key, default: 0] += 1 }
        // The candidates as one JSON array of [index, key, hash, parent key]: one statement reads them all.
        var json: [UInt8] = [UInt8(ascii: "[")]
        json.reserveCapacity(batch.count * 120)
        var candidates = 0
        for (index, pending) in batch.enumerated() where occurrences[keys[index]] == 1 {
            let limit = (pending.at ?? now).millisecondsSinceEpoch + clockSkewMilliseconds
            if let modified = pending.observation.sourceModifiedAt, modified.millisecondsSinceEpoch > limit { continue }
            if candidates > 0 { json.append(UInt8(ascii: ",")) }
            candidates += 1
            json.append(UInt8(ascii: "["))
            appendDecimal(Int64(index), to: &json)
            json.append(UInt8(ascii: ","))
            JSONValue.writeString(keys[index], to: &json)
            json.append(UInt8(ascii: ","))
            JSONValue.writeString(hashes[index], to: &json)
            json.append(UInt8(ascii: ","))
            if let parent = pending.observation.parent {
                JSONValue.writeString(parent.description, to: &json)
            } else {
                json.append(contentsOf: "null".utf8)
            }
            json.append(UInt8(ascii: "]"))
        }
        json.append(UInt8(ascii: "]"))
        var unchanged = [Int64?](repeating: nil, count: batch.count)
        guard candidates > 0 else { return unchanged }
        // CROSS JOIN keeps the batch the outer loop, each row one index search; left to itself, the planner scans
        // every account of the source and the batch for each.
        let found = try db.fetchAll(
            sql: """
                SELECT j.value ->> 0, a.id FROM json_each(?1) AS j
                CROSS JOIN account AS a ON a.source_id = ?2 AND a.account_key = j.value ->> 1
                JOIN balance_version AS v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                WHERE v.state = 'present' AND v.content_hash = j.value ->> 2
                    AND (j.value ->> 3 IS NULL OR EXISTS (
                        SELECT 1 FROM account AS p WHERE p.source_id = ?2 AND p.account_key = j.value ->> 3))
                """,
            arguments: [String(decoding: json, as: UTF8.self), sourceID]
        ) { (index: Int($0.int64(0)), account: $0.int64(1)) }
        for row in found { unchanged[row.index] = row.account }
        return unchanged
    }

    /// What registering each unchanged observation's account does, for all of them in one statement: the display
    /// name and parent when given, the run, and the last-seen time.
    private func touch(
        _ batch: [PendingObservation], accounts: [Int64?], sourceID: Int64, runID: Int64?
    ) throws {
        var json: [UInt8] = [UInt8(ascii: "[")]
        json.reserveCapacity(batch.count * 100)
        var count = 0
        for (pending, account) in zip(batch, accounts) {
            guard let account else { continue }
            if count > 0 { json.append(UInt8(ascii: ",")) }
            count += 1
            json.append(UInt8(ascii: "["))
            appendDecimal(account, to: &json)
            json.append(UInt8(ascii: ","))
            if let name = pending.observation.displayName {
                JSONValue.writeString(name, to: &json)
            } else {
                json.append(contentsOf: "null".utf8)
            }
            json.append(UInt8(ascii: ","))
            if let parent = pending.observation.parent {
                JSONValue.writeString(parent.description, to: &json)
            } else {
                json.append(contentsOf: "null".utf8)
            }
            json.append(UInt8(ascii: ","))
            appendDecimal((pending.at ?? now).millisecondsSinceEpoch, to: &json)
            json.append(UInt8(ascii: "]"))
        }
        json.append(UInt8(ascii: "]"))
        guard count > 0 else { return }
        try db.cachedStatement(
            sql: """
                UPDATE account SET
                    display_name = coalesce(j.value ->> 1, account.display_name),
                    parent_account_id = coalesce(
                        (SELECT p.id FROM account AS p WHERE p.source_id = ?2 AND p.account_key = j.value ->> 2),
                        account.parent_account_id),
                    last_run_id = coalesce(?3, account.last_run_id),
                    last_seen_at = max(account.last_seen_at, j.value ->> 3)
                FROM json_each(?1) AS j
                WHERE account.id = j.value ->> 0
                """
        ).execute(arguments: [String(decoding: json, as: UTF8.self), sourceID, runID])
    }
}
