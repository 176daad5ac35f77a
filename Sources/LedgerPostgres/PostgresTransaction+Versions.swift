import LedgerCore
import LedgerStore
import PostgresNIO

extension PostgresTransaction {
    /// Records one observation of an account with the rules of ``VersionDecision`` (the SQLite store's rules):
    /// unchanged content adds nothing, newer content closes the current version, older content is spliced in or
    /// ignored, a clash at the same valid time keeps the stored version and flags it, a gmtModified from the future
    /// is not stored. The raw response is stored only when something is derived from it.
    func record(
        _ observation: BalanceObservation, raw: RawResponseRecord, sourceID: Int64, runID: Int64?,
        clockSkewMilliseconds: Int64, contentHash: String?
    ) async throws -> ObservationResult {
        let (accountID, created) = try await registerAccount(
            sourceID: sourceID, key: observation.account, displayName: observation.displayName,
            parent: observation.parent, seen: true, runID: runID)
        let hash = contentHash ?? observation.contentHash
        let current = created ? nil : try await currentVersion(accountID)
        let evidence = Evidence(raw: raw, sourceID: sourceID, runID: runID)
        switch VersionDecision.first(
            observation, contentHash: hash, current: current, now: now.millisecondsSinceEpoch,
            clockSkewMilliseconds: clockSkewMilliseconds)
        {
        case .clockSkew:
            return try await conflict(
                .clockSkew, accountID: accountID, stored: current, incoming: observation, evidence: evidence,
                resolution: .ignored)
        case .unchanged:
            return .unchanged
        case .firstVersion(let validFrom):
            let next = created ? nil : try await firstLiveVersion(accountID, after: validFrom)
            let rawID = try await evidence.id(self)
            let id = try await insertVersion(
                observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: next?.validFrom,
                rawID: rawID, runID: runID)
            return .added(versionID: id)
        case .supersede(let current, let validFrom):
            let rawID = try await evidence.id(self)
            try await connection.query(
                "UPDATE balance_version SET valid_to = \(validFrom) WHERE id = \(current.id)", logger: logger)
            let id = try await insertVersion(
                observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: nil, rawID: rawID,
                runID: runID)
            return .added(versionID: id)
        case .past(let current, let validFrom):
            let startingAt = try await live(
                """
                SELECT id, valid_from, valid_to, content_hash, state FROM balance_version
                WHERE account_id = \(accountID) AND superseded_at IS NULL AND valid_from = \(validFrom)
                """)
            let covering =
                startingAt == nil
                ? try await live(
                    """
                    SELECT id, valid_from, valid_to, content_hash, state FROM balance_version
                    WHERE account_id = \(accountID) AND superseded_at IS NULL AND valid_from < \(validFrom)
                      AND (valid_to IS NULL OR valid_to > \(validFrom))
                    """) : nil
            let firstAfter =
                startingAt == nil && covering == nil ? try await firstLiveVersion(accountID, after: validFrom) : nil
            switch VersionDecision.past(
                current: current, contentHash: hash, startingAt: startingAt, covering: covering, firstAfter: firstAfter)
            {
            case .unchanged:
                return .unchanged
            case .stale(let same):
                return try await conflict(
                    .stale, accountID: accountID, stored: same, incoming: observation, evidence: evidence,
                    resolution: .ignored)
            case .sameTimestamp(let same):
                try await connection.query(
                    "UPDATE balance_version SET flagged = true WHERE id = \(same.id)", logger: logger)
                return try await conflict(
                    .sameTimestampDifferentContent, accountID: accountID, stored: same, incoming: observation,
                    evidence: evidence, resolution: .keptStored)
            case .splice(let covering, let validTo):
                let rawID = try await evidence.id(self)
                if let covering {
                    // Superseded first: the exclusion constraint checks each statement, and the copy overlaps it.
                    try await connection.query(
                        """
                        UPDATE balance_version SET superseded_at = \(now.millisecondsSinceEpoch) WHERE id = \(covering.id)
                        """, logger: logger)
                    try await copyVersion(covering.id, validTo: validFrom)
                }
                _ = try await insertVersion(
                    observation, hash: hash, accountID: accountID, validFrom: validFrom, validTo: validTo,
                    rawID: rawID, runID: runID)
                return try await conflict(
                    .lateArrival, accountID: accountID, stored: current, incoming: observation, evidence: evidence,
                    resolution: .spliced, rawID: rawID)
            }
        }
    }

    // MARK: Live versions

    func currentVersion(_ accountID: Int64) async throws -> LiveVersion? {
        try await live(
            """
            SELECT id, valid_from, valid_to, content_hash, state FROM balance_version
            WHERE account_id = \(accountID) AND superseded_at IS NULL AND valid_to IS NULL
            """)
    }

    func firstLiveVersion(_ accountID: Int64, after instant: Int64) async throws -> LiveVersion? {
        try await live(
            """
            SELECT id, valid_from, valid_to, content_hash, state FROM balance_version
            WHERE account_id = \(accountID) AND superseded_at IS NULL AND valid_from > \(instant)
            ORDER BY valid_from LIMIT 1
            """)
    }

    /// The one live version a query selects (id, valid_from, valid_to, content_hash, state), or `nil`.
    private func live(_ query: PostgresQuery) async throws -> LiveVersion? {
        let rows = try await connection.query(query, logger: logger)
        for try await (id, validFrom, validTo, contentHash, state) in rows.decode(
            (Int64, Int64, Int64?, String, String).self)
        {
            guard let state = VersionState(rawValue: state) else {
                throw StoreError(.invalidData("balance_version \(id) has the unknown state '\(state)'"))
            }
            return LiveVersion(id: id, validFrom: validFrom, validTo: validTo, contentHash: contentHash, state: state)
        }
        return nil
    }

    // MARK: Writing versions

    private func insertVersion(
        _ observation: BalanceObservation, hash: String, accountID: Int64, validFrom: Int64, validTo: Int64?,
        rawID: Int64?, runID: Int64?
    ) async throws -> Int64 {
        let f = observation.figures
        let (balance, limit, used) = (Parts(f.availableBalance), Parts(f.creditLimit), Parts(f.used))
        let (frozen, total, overdue) = (Parts(f.frozen), Parts(f.totalAvailable), Parts(f.overdue))
        let id = try await one(
            Int64.self,
            """
            INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, state, unit,
                available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole,
                used_nanos, frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole,
                overdue_nanos, content_hash, source_modified_at, observed_at, run_id, raw_response_id)
            VALUES (\(accountID), \(validFrom), \(validTo), \(now.millisecondsSinceEpoch), 'present', \(f.unit.name),
                \(balance.whole), \(balance.nanos), \(limit.whole), \(limit.nanos), \(used.whole), \(used.nanos),
                \(frozen.whole), \(frozen.nanos), \(total.whole), \(total.nanos), \(overdue.whole), \(overdue.nanos),
                \(hash), \(observation.sourceModifiedAt?.millisecondsSinceEpoch),
                \(observation.observedAt.millisecondsSinceEpoch), \(runID), \(rawID))
            RETURNING id
            """)
        try await insertDetails(observation.details, versionID: id)
        try await widenScale(of: f.unit, toHold: observation.amounts)
        return id
    }

    /// Re-records a superseded version's content over a shorter valid interval, with its details.
    private func copyVersion(_ id: Int64, validTo: Int64) async throws {
        let copy = try await one(
            Int64.self,
            """
            INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, state, unit,
                available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole,
                used_nanos, frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole,
                overdue_nanos, content_hash, source_modified_at, observed_at, flagged, run_id, raw_response_id)
            SELECT account_id, valid_from, \(validTo), \(now.millisecondsSinceEpoch), state, unit,
                available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole,
                used_nanos, frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole,
                overdue_nanos, content_hash, source_modified_at, observed_at, flagged, run_id, raw_response_id
            FROM balance_version WHERE id = \(id)
            RETURNING id
            """)
        for table in DetailTable.allCases {
            let list = table.columns.joined(separator: ", ")
            // The table and column names are this file's own constants, never input.
            try await connection.query(
                """
                INSERT INTO \(unescaped: table.rawValue) (version_id, \(unescaped: list))
                SELECT \(copy), \(unescaped: list) FROM \(unescaped: table.rawValue) WHERE version_id = \(id)
                """, logger: logger)
        }
    }

    private func conflict(
        _ kind: ConflictKind, accountID: Int64, stored: LiveVersion?, incoming: BalanceObservation,
        evidence: Evidence, resolution: ConflictResolution, rawID: Int64? = nil
    ) async throws -> ObservationResult {
        let incomingHash = incoming.contentHash
        let incomingFrom = incoming.validFrom.millisecondsSinceEpoch
        // Looked up before inserting (SQLite's INSERT OR IGNORE): an ignored insert would take an id all the same.
        let known = try await optional(
            Int64.self,
            """
            SELECT id FROM conflict WHERE account_id = \(accountID) AND kind = \(kind.rawValue)
              AND incoming_valid_from = \(incomingFrom) AND incoming_content_hash = \(incomingHash)
            """)
        guard known == nil else { return .conflict(kind, recorded: false) }
        let storedContent = try await stored.asyncFlatMap { try await storedObservation(versionID: $0.id) }?
            .contentJSON
        let evidenceID: Int64
        if let rawID { evidenceID = rawID } else { evidenceID = try await evidence.id(self) }
        try await connection.query(
            """
            INSERT INTO conflict (run_id, account_id, kind, stored_version_id, stored_valid_from, stored_content,
                stored_content_hash, incoming_valid_from, incoming_content, incoming_content_hash,
                incoming_raw_response_id, resolution, detected_at)
            VALUES (\(evidence.runID), \(accountID), \(kind.rawValue), \(stored?.id), \(stored?.validFrom),
                \(storedContent), \(stored?.contentHash), \(incomingFrom), \(incoming.contentJSON), \(incomingHash),
                \(evidenceID), \(resolution.rawValue), \(now.millisecondsSinceEpoch))
            """, logger: logger)
        return .conflict(kind, recorded: true)
    }

    /// Widens a unit's display scale so that every amount of the unit shows all its digits.
    func widenScale(of unit: MoneyUnit, toHold amounts: [FixedDecimal?]) async throws {
        let scale = amounts.reduce(0) { max($0, $1?.scale ?? 0) }
        guard scale > FixedDecimal.minimumDisplayScale else { return }
        try await connection.query(
            """
            INSERT INTO unit_scale (unit, scale) VALUES (\(unit.name), \(Int32(scale)))
            ON CONFLICT (unit) DO UPDATE SET scale = excluded.scale WHERE excluded.scale > unit_scale.scale
            """, logger: logger)
    }
}

/// The raw response behind a write, stored at most once, only when something is derived from it.
final class Evidence: @unchecked Sendable {
    let raw: RawResponseRecord
    let sourceID: Int64
    let runID: Int64?
    // Only touched by the one task that runs the transaction.
    private var stored: Int64?

    init(raw: RawResponseRecord, sourceID: Int64, runID: Int64?) {
        self.raw = raw
        self.sourceID = sourceID
        self.runID = runID
    }

    func id(_ tx: PostgresTransaction) async throws -> Int64 {
        if let stored { return stored }
        let id = try await tx.insertRaw(raw, sourceID: sourceID, runID: runID)
        stored = id
        return id
    }
}

/// An amount's two column values.
struct Parts {
    var whole: Int64?
    var nanos: Int32?

    init(_ value: FixedDecimal?) {
        guard let parts = value?.storedParts else { return }
        whole = parts.whole
        nanos = Int32(truncatingIfNeeded: parts.nanos)
    }
}
