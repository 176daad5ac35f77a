import GRDB
import LedgerCore

extension LedgerTransaction {
    /// Records one observation of an account, keeping history bitemporal and conflicts on record.
    ///
    /// - Unchanged content adds nothing. Newer content closes the current version and opens a new one.
    /// - Older than the current version: spliced into history at its valid time if new to the store
    ///   (`late_arrival`), ignored if already known (`stale`).
    /// - The same valid time as a stored version with other content keeps the stored one and flags it.
    /// - A gmtModified beyond `now + clockSkew` is not stored (`clock_skew`).
    /// The raw response is stored only when something is derived from it.
    ///
    /// - Parameters:
    ///   - observation: The normalized observation.
    ///   - raw: The response it came from.
    ///   - sourceID: The source instance.
    ///   - runID: The sync run, if any.
    ///   - clockSkewMilliseconds: How far in the future a gmtModified may be.
    ///   - contentHash: The observation's ``BalanceObservation/contentHash``, if the caller has it already (a sync
    ///     computes it before the write to tell unchanged targets; computing it again would cost the writer).
    /// - Returns: What was done.
    public func record(
        _ observation: BalanceObservation, raw: RawResponseRecord, sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64 = LedgerDefaults.clockSkewSeconds * 1000, contentHash: String? = nil
    ) throws -> ObservationResult {
        try record(
            observation, evidence: .new(raw), sourceID: sourceID, runID: runID,
            clockSkewMilliseconds: clockSkewMilliseconds, contentHash: contentHash)
    }

    /// Records an observation whose raw response is already stored (``LedgerDatabase/rebuild``).
    public func record(
        _ observation: BalanceObservation, storedRawID: Int64, sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64 = 300_000
    ) throws -> ObservationResult {
        try record(
            observation, evidence: .stored(storedRawID), sourceID: sourceID, runID: runID,
            clockSkewMilliseconds: clockSkewMilliseconds)
    }

    func record(
        _ observation: BalanceObservation, evidence raw: RawEvidence, sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64, contentHash: String? = nil
    ) throws -> ObservationResult {
        let (accountID, created) = try registerAccount(
            sourceID: sourceID, key: observation.account, displayName: observation.displayName,
            parent: observation.parent, seen: true, runID: runID)
        let hash = contentHash ?? observation.contentHash
        let current = created ? nil : try currentVersion(accountID)
        switch VersionDecision.first(
            observation, contentHash: hash, current: current, now: now.millisecondsSinceEpoch,
            clockSkewMilliseconds: clockSkewMilliseconds)
        {
        case .clockSkew:
            return try conflict(
                .clockSkew, accountID: accountID, stored: current, incoming: observation, raw: raw, sourceID: sourceID,
                runID: runID, resolution: .ignored)
        case .unchanged:
            return .unchanged
        case .firstVersion(let validFrom):
            // No current version: the first observation, or one after the account was found with only failed
            // fetches; a later live version (cannot be, but is kept) bounds it.
            let next = created ? nil : try firstLiveVersion(accountID, after: validFrom)
            let rawID = try raw.id(self, sourceID: sourceID, runID: runID)
            let id = try insertVersion(
                observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: next?.validFrom,
                rawID: rawID, runID: runID)
            return .added(versionID: id)
        case .supersede(let current, let validFrom):
            let rawID = try raw.id(self, sourceID: sourceID, runID: runID)
            try db.cachedStatement(sql: "UPDATE balance_version SET valid_to = ? WHERE id = ?").execute(arguments: [
                validFrom, current.id,
            ])
            let id = try insertVersion(
                observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: nil, rawID: rawID,
                runID: runID)
            return .added(versionID: id)
        case .past(let current, let validFrom):
            let startingAt = try liveVersion(accountID, startingAt: validFrom)
            let covering = startingAt == nil ? try liveVersion(accountID, covering: validFrom) : nil
            let firstAfter =
                startingAt == nil && covering == nil ? try firstLiveVersion(accountID, after: validFrom) : nil
            switch VersionDecision.past(
                current: current, contentHash: hash, startingAt: startingAt, covering: covering, firstAfter: firstAfter)
            {
            case .unchanged:
                return .unchanged
            case .stale(let same):
                return try conflict(
                    .stale, accountID: accountID, stored: same, incoming: observation, raw: raw, sourceID: sourceID,
                    runID: runID, resolution: .ignored)
            case .sameTimestamp(let same):
                try db.cachedStatement(sql: "UPDATE balance_version SET flagged = 1 WHERE id = ?").execute(
                    arguments: [same.id])
                return try conflict(
                    .sameTimestampDifferentContent, accountID: accountID, stored: same, incoming: observation,
                    raw: raw, sourceID: sourceID, runID: runID, resolution: .keptStored)
            case .splice(let covering, let validTo):
                // New to the store and older than the current version: spliced in at its valid time.
                let rawID = try raw.id(self, sourceID: sourceID, runID: runID)
                if let covering {
                    try db.cachedStatement(sql: "UPDATE balance_version SET superseded_at = ? WHERE id = ?").execute(
                        arguments: [now.millisecondsSinceEpoch, covering.id])
                    try copyVersion(covering.id, validTo: validFrom)
                }
                _ = try insertVersion(
                    observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: validTo,
                    rawID: rawID, runID: runID)
                return try conflict(
                    .lateArrival, accountID: accountID, stored: current, incoming: observation, raw: raw,
                    sourceID: sourceID, runID: runID, resolution: .spliced, rawID: rawID)
            }
        }
    }

    /// Marks an account that a complete discovery no longer lists as gone: a new version, never a delete, and a
    /// fact linked into the chain (the writer alone knows it; a rebuild replays it from the chain).
    /// - Returns: Whether a gone version was added (false if it was already gone or has no history).
    @discardableResult
    public func markGone(sourceID: Int64, account: AccountKey, runID: Int64?) throws -> Bool {
        guard let accountID = try existingAccountID(sourceID: sourceID, key: account) else { return false }
        return try markGone(accountID: accountID, runID: runID)
    }

    /// Replays a gone fact from the chain: the version as ``markGone(sourceID:account:runID:)`` wrote it, and no
    /// new link (the fact is linked already).
    /// - Returns: Whether a gone version was added.
    @discardableResult
    public func replayGone(sourceID: Int64, account: AccountKey, runID: Int64?) throws -> Bool {
        guard let accountID = try existingAccountID(sourceID: sourceID, key: account) else { return false }
        return try markGone(accountID: accountID, runID: runID, linked: false)
    }

    func markGone(accountID: Int64, runID: Int64?, linked: Bool = true) throws -> Bool {
        guard let current = try currentVersion(accountID), current.state == .present else { return false }
        let at = VersionDecision.goneAt(current: current, now: now.millisecondsSinceEpoch)
        try db.cachedStatement(sql: "UPDATE balance_version SET valid_to = ? WHERE id = ?").execute(arguments: [
            at, current.id,
        ])
        try db.cachedStatement(
            sql: """
                INSERT INTO balance_version (account_id, valid_from, recorded_at, state, content_hash, observed_at, run_id)
                VALUES (?, ?, ?, 'gone', ?, ?, ?)
                """
        ).execute(arguments: [
            accountID, at, now.millisecondsSinceEpoch, VersionDecision.goneHash, now.millisecondsSinceEpoch, runID,
        ])
        if linked {
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT source_id, account_key FROM account WHERE id = ?"),
                arguments: [accountID])
            guard let row else { throw StoreError(.invalidData("account \(accountID) vanished while marked gone")) }
            try appendLinks([
                .gone(
                    sourceID: row["source_id"], accountKey: row["account_key"], at: now.millisecondsSinceEpoch,
                    runID: runID)
            ])
        }
        return true
    }

    // MARK: Reading live versions

    func currentVersion(_ accountID: Int64) throws -> LiveVersion? {
        try fetchLive(Self.currentSQL, [accountID])
    }

    func liveVersion(_ accountID: Int64, startingAt validFrom: Int64) throws -> LiveVersion? {
        try fetchLive(Self.startingAtSQL, [accountID, validFrom])
    }

    func liveVersion(_ accountID: Int64, covering instant: Int64) throws -> LiveVersion? {
        try fetchLive(Self.coveringSQL, [accountID, instant, instant])
    }

    func firstLiveVersion(_ accountID: Int64, after instant: Int64) throws -> LiveVersion? {
        try fetchLive(Self.firstAfterSQL, [accountID, instant])
    }

    // Whole statements, not one built per call: every target of a sync runs two of them.
    private static let liveSQL = """
        SELECT id, valid_from, valid_to, content_hash, state FROM balance_version
        WHERE account_id = ? AND superseded_at IS NULL AND
        """
    private static let currentSQL = liveSQL + " valid_to IS NULL"
    private static let startingAtSQL = liveSQL + " valid_from = ?"
    private static let coveringSQL = liveSQL + " valid_from < ? AND (valid_to IS NULL OR valid_to > ?)"
    private static let firstAfterSQL = liveSQL + " valid_from > ? ORDER BY valid_from LIMIT 1"

    private func fetchLive(_ sql: String, _ arguments: StatementArguments) throws -> LiveVersion? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            LiveVersion(id: row[0], validFrom: row[1], validTo: row[2], contentHash: row[3], state: row[4])
        }
    }

    // MARK: Writing versions

    private func insertVersion(
        _ observation: BalanceObservation, hash: String, accountID: Int64, validFrom: Int64, validTo: Int64?,
        rawID: Int64?, runID: Int64?
    ) throws -> Int64 {
        var version = VersionRows()
        version.append(
            observation, hash: hash, id: nil, accountID: accountID, validFrom: validFrom, validTo: validTo,
            recordedAt: now.millisecondsSinceEpoch, rawID: rawID, runID: runID)
        try version.execute(db)
        let versionID = db.lastInsertedRowID
        var details = DetailRows()
        details.append(observation.details, versionID: versionID)
        try details.execute(db)
        try widenScale(of: observation.figures.unit, toHold: observation.amounts)
        return versionID
    }

    /// Re-records a superseded version's content over a shorter valid interval, with its details.
    private func copyVersion(_ id: Int64, validTo: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, state, unit,
                    \(StoredAmount.versionColumns), content_hash, source_modified_at, observed_at, flagged, run_id,
                    raw_response_id)
                SELECT account_id, valid_from, ?, ?, state, unit, \(StoredAmount.versionColumns), content_hash,
                    source_modified_at, observed_at, flagged,
                    run_id, raw_response_id
                FROM balance_version WHERE id = ?
                """
        ).execute(arguments: [validTo, now.millisecondsSinceEpoch, id])
        let copy = db.lastInsertedRowID
        for table in ["modelrouter_balance_detail", "dms_credit_detail", "twcc_wallet_detail"] {
            let columns = try db.columns(in: table).map(\.name).filter { $0 != "version_id" }
            let list = columns.joined(separator: ", ")
            try db.cachedStatement(
                sql: "INSERT INTO \(table) (version_id, \(list)) SELECT ?, \(list) FROM \(table) WHERE version_id = ?"
            ).execute(arguments: [copy, id])
        }
    }

    private func conflict(
        _ kind: ConflictKind, accountID: Int64, stored: LiveVersion?, incoming: BalanceObservation,
        raw: RawEvidence, sourceID: Int64, runID: Int64?, resolution: ConflictResolution, rawID: Int64? = nil
    ) throws -> ObservationResult {
        let storedContent = try stored.map { try contentJSON(versionID: $0.id) }
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO conflict (run_id, account_id, kind, stored_version_id, stored_valid_from,
                    stored_content, stored_content_hash, incoming_valid_from, incoming_content, incoming_content_hash,
                    resolution, detected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            runID, accountID, kind.rawValue, stored?.id, stored?.validFrom, storedContent, stored?.contentHash,
            incoming.validFrom.millisecondsSinceEpoch, incoming.contentJSON, incoming.contentHash, resolution,
            now.millisecondsSinceEpoch,
        ])
        guard db.changesCount > 0 else { return .conflict(kind, recorded: false) }
        let conflictID = db.lastInsertedRowID
        let evidence = try rawID ?? raw.id(self, sourceID: sourceID, runID: runID)
        try db.cachedStatement(sql: "UPDATE conflict SET incoming_raw_response_id = ? WHERE id = ?").execute(
            arguments: [evidence, conflictID])
        return .conflict(kind, recorded: true)
    }

    /// The canonical content of a stored version, rebuilt from its row and details (as ``BalanceObservation/contentJSON``).
    func contentJSON(versionID: Int64) throws -> String? {
        try StoredVersion.observation(db, versionID: versionID)?.contentJSON
    }
}

/// The raw response behind a write: one to store now, or one already stored.
enum RawEvidence {
    case new(RawResponseRecord)
    case stored(Int64)

    func id(_ tx: LedgerTransaction, sourceID: Int64, runID: Int64?) throws -> Int64 {
        switch self {
        case .new(let raw): try tx.insertRaw(raw, sourceID: sourceID, runID: runID)
        case .stored(let id): id
        }
    }
}
