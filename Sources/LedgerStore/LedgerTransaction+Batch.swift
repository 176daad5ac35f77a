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
    /// in order with ``record(_:raw:sourceID:runID:clockSkewMilliseconds:contentHash:)``: the same rows, ids
    /// included.
    ///
    /// What each observation does is worked out for the whole batch from one statement over its accounts. The
    /// common cases are then written set-based: an unchanged observation only registers its account (and rows that
    /// would not change are not written); a new account's first version, and a newer version of an account's present
    /// one, are inserted many rows to a statement with the ids SQLite would have given them. Everything else (an
    /// account twice in the batch, a gmtModified beyond the clock-skew limit, a parent the ledger does not know yet,
    /// an account that is gone or has no version, anything at or before the current version's valid time) takes the
    /// one-by-one path, in order: the set-based rows before it are written first.
    ///
    /// - Returns: One result per observation, in order.
    public func record(
        batch: [PendingObservation], sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64 = LedgerDefaults.clockSkewSeconds * 1000
    ) throws -> [ObservationResult] {
        guard !batch.isEmpty else { return [] }
        let hashes = batch.map { $0.contentHash ?? $0.observation.contentHash }
        let plans = try plan(
            batch, hashes: hashes, sourceID: sourceID, runID: runID, clockSkewMilliseconds: clockSkewMilliseconds)
        try apply(plans.compactMap(\.touch))
        var results = [ObservationResult?](repeating: nil, count: batch.count)
        var group: [(index: Int, write: SetWrite)] = []
        for (index, plan) in plans.enumerated() {
            switch plan {
            case .unchanged:
                results[index] = .unchanged
            case .write(let write):
                group.append((index, write))
            case .oneByOne:
                try writeVersions(group, of: batch, hashes: hashes, sourceID: sourceID, runID: runID) {
                    results[$0] = .added(versionID: $1)
                }
                group.removeAll(keepingCapacity: true)
                let pending = batch[index]
                let tx = pending.at.map(recorded(at:)) ?? self
                results[index] = try tx.record(
                    pending.observation, evidence: pending.evidence, sourceID: sourceID, runID: runID,
                    clockSkewMilliseconds: clockSkewMilliseconds, contentHash: hashes[index])
            }
        }
        try writeVersions(group, of: batch, hashes: hashes, sourceID: sourceID, runID: runID) {
            results[$0] = .added(versionID: $1)
        }
        return results.map { $0! }
    }

    /// What the one-by-one path would do with each observation, where the batch can do it set-based; `.oneByOne`
    /// for the rest.
    private func plan(
        _ batch: [PendingObservation], hashes: [String], sourceID: Int64, runID: Int64?, clockSkewMilliseconds: Int64
    ) throws -> [BatchPlan] {
        let keys = batch.map { $0.observation.account.description }
        var occurrences: [String: Int] = [:]
        occurrences.reserveCapacity(keys.count)
        for key in keys { occurrences[key, default: 0] += 1 }
        var candidates: [Int] = []
        candidates.reserveCapacity(batch.count)
        for (index, pending) in batch.enumerated() where occurrences[keys[index]] == 1 {
            let limit = at(pending) + clockSkewMilliseconds
            if let modified = pending.observation.sourceModifiedAt, modified.millisecondsSinceEpoch > limit { continue }
            candidates.append(index)
        }
        var plans = [BatchPlan](repeating: .oneByOne, count: batch.count)
        guard !candidates.isEmpty else { return plans }
        let parents = try knownAccounts(
            Set(candidates.compactMap { batch[$0].observation.parent?.description }), sourceID: sourceID)
        // The keys as a flat JSON array of strings: each element is the value itself, with no second parse. CROSS
        // JOIN keeps the batch the outer loop, each row one index search; left to itself, the planner scans every
        // account of the source and the batch for each.
        var stored = [StoredAccount?](repeating: nil, count: batch.count)
        var current = [LiveVersion?](repeating: nil, count: batch.count)
        _ = try db.fetchAll(
            sql: """
                SELECT j.key, a.id, a.display_name, a.parent_account_id, a.last_seen_at, a.last_run_id,
                    v.id, v.valid_from, v.content_hash, v.state = 'present'
                FROM json_each(?1) AS j
                CROSS JOIN account AS a ON a.source_id = ?2 AND a.account_key = j.value
                LEFT JOIN balance_version AS v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                """,
            arguments: [Self.jsonArray(candidates.map { keys[$0] }), sourceID]
        ) { columns in
            let index = candidates[Int(columns.int64(0))]
            stored[index] = StoredAccount(
                id: columns.int64(1), displayName: columns.optionalText(2), parentID: columns.optionalInt64(3),
                lastSeenAt: columns.int64(4), lastRunID: columns.optionalInt64(5))
            if !columns.isNull(6) {
                current[index] = LiveVersion(
                    id: columns.int64(6), validFrom: columns.int64(7), validTo: nil, contentHash: columns.text(8),
                    state: columns.bool(9) ? .present : .gone)
            }
        }
        for index in candidates {
            let observation = batch[index].observation
            // A parent named but unknown is registered (or not) by the one-by-one path.
            var parentID: Int64? = nil
            if let parent = observation.parent {
                guard let id = parents[parent.description] else { continue }
                parentID = id
            }
            guard let account = stored[index] else {
                plans[index] = .write(.newAccount(parentID: parentID))
                continue
            }
            // No version (only failed fetches so far) or gone: the one-by-one path.
            guard let version = current[index], version.state == .present else { continue }
            // The upsert of registerAccount, worked out here: given values replace stored ones, the last-seen time
            // only moves forward.
            let touch = AccountTouch(
                id: account.id, stored: account, displayName: observation.displayName ?? account.displayName,
                parentID: parentID ?? account.parentID, lastSeenAt: max(account.lastSeenAt, at(batch[index])),
                lastRunID: runID ?? account.lastRunID)
            if version.contentHash == hashes[index] {
                plans[index] = .unchanged(touch)
                continue
            }
            // As the one-by-one path: without a gmtModified, a change starts just after the current version.
            var validFrom = observation.validFrom.millisecondsSinceEpoch
            if observation.sourceModifiedAt == nil, validFrom <= version.validFrom { validFrom = version.validFrom + 1 }
            if validFrom > version.validFrom {
                plans[index] = .write(.newer(touch, closing: version.id, validFrom: validFrom))
            }
        }
        return plans
    }

    /// The ids of the accounts of the source with these keys that the ledger knows, by key.
    private func knownAccounts(_ keys: Set<String>, sourceID: Int64) throws -> [String: Int64] {
        guard !keys.isEmpty else { return [:] }
        let named = Array(keys)
        var known: [String: Int64] = [:]
        _ = try db.fetchAll(
            sql: """
                SELECT j.key, p.id FROM json_each(?1) AS j
                CROSS JOIN account AS p ON p.source_id = ?2 AND p.account_key = j.value
                """,
            arguments: [Self.jsonArray(named), sourceID]
        ) { known[named[Int($0.int64(0))]] = $0.int64(1) }
        return known
    }

    /// The recorded time of what a pending observation adds, in milliseconds.
    private func at(_ pending: PendingObservation) -> Int64 { (pending.at ?? now).millisecondsSinceEpoch }

    /// Writes the versions of a run of new accounts and newer versions, in batch order, many rows to a statement:
    /// the new accounts, the raw responses, the current versions closed, the new versions and their details, each
    /// with the ids the one-by-one path would have given them. `added` receives each index and its version's id.
    private func writeVersions(
        _ group: [(index: Int, write: SetWrite)], of batch: [PendingObservation], hashes: [String], sourceID: Int64,
        runID: Int64?, added: (Int, Int64) -> Void
    ) throws {
        guard let versionIDs = try nextIDs(group.count, in: "balance_version") else { return }
        var accountIDs: [Int: Int64] = [:]
        var closing: [DatabaseValue] = []
        var newAccounts: [(index: Int, parentID: Int64?)] = []
        for (index, write) in group {
            switch write {
            case .newAccount(let parentID): newAccounts.append((index, parentID))
            case .newer(let touch, let version, let validFrom):
                accountIDs[index] = touch.id
                closing += [version.databaseValue, validFrom.databaseValue]
            }
        }
        if let ids = try nextIDs(newAccounts.count, in: "account") {
            var accounts = AccountRows()
            for (id, new) in zip(ids, newAccounts) {
                let observation = batch[new.index].observation
                accountIDs[new.index] = id
                accounts.append(
                    id: id, sourceID: sourceID, key: observation.account, displayName: observation.displayName,
                    parentID: new.parentID, seenAt: at(batch[new.index]), runID: runID)
            }
            try accounts.execute(db)
        }
        var rawIDs: [Int: Int64] = [:]
        var newRaws: [(index: Int, raw: RawResponseRecord)] = []
        for (index, _) in group {
            switch batch[index].evidence {
            case .new(let raw): newRaws.append((index, raw))
            case .stored(let id): rawIDs[index] = id
            }
        }
        var raws = RawRows()
        if let ids = try nextIDs(newRaws.count, in: "raw_response") {
            for (id, new) in zip(ids, newRaws) {
                raws.append(new.raw, id: id, sourceID: sourceID, runID: runID)
                rawIDs[new.index] = id
            }
        }
        try raws.execute(db)
        if !closing.isEmpty { try Self.closeVersions.execute(db, values: closing) }
        var versions = VersionRows()
        var details = DetailRows()
        var scales: [(unit: MoneyUnit, scale: Int)] = []
        for (versionID, (index, write)) in zip(versionIDs, group) {
            let observation = batch[index].observation
            let validFrom: Int64
            switch write {
            case .newAccount: validFrom = observation.validFrom.millisecondsSinceEpoch
            case .newer(_, _, let from): validFrom = from
            }
            versions.append(
                observation, hash: hashes[index], id: versionID, accountID: accountIDs[index]!, validFrom: validFrom,
                validTo: nil, recordedAt: at(batch[index]), rawID: rawIDs[index], runID: runID)
            details.append(observation.details, versionID: versionID)
            let scale = observation.amounts.reduce(0) { max($0, $1?.scale ?? 0) }
            if let known = scales.firstIndex(where: { $0.unit == observation.figures.unit }) {
                scales[known].scale = max(scales[known].scale, scale)
            } else {
                scales.append((observation.figures.unit, scale))
            }
            added(index, versionID)
        }
        try versions.execute(db)
        try details.execute(db)
        for (unit, scale) in scales { try widenScale(of: unit, to: scale) }
    }

    /// Closes current versions at the valid time of the versions that follow them: (version id, valid to) rows.
    private static let closeVersions = RowsStatement(
        "UPDATE balance_version SET valid_to = c.column2 FROM (VALUES ", row: "(?, ?)",
        suffix: ") AS c WHERE balance_version.id = c.column1")

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

/// What a batch does with one observation.
private enum BatchPlan {
    /// What the one-by-one path does, in order.
    case oneByOne
    /// It repeats the account's present version: only the account is registered.
    case unchanged(AccountTouch)
    /// It adds a version that the batch writes set-based.
    case write(SetWrite)

    /// What registering the account again writes to its row, for an account the ledger has.
    var touch: AccountTouch? {
        switch self {
        case .unchanged(let touch), .write(.newer(let touch, _, _)): touch
        case .oneByOne, .write(.newAccount): nil
        }
    }
}

/// A version a batch writes many rows to a statement.
private enum SetWrite {
    /// The first version of an account new to the ledger, whose parent (if named) the ledger knows.
    case newAccount(parentID: Int64?)
    /// A version after the account's present one, which it closes at `validFrom`.
    case newer(AccountTouch, closing: Int64, validFrom: Int64)
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
