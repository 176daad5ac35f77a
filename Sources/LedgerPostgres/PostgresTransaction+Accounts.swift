import LedgerCore
import LedgerStore
import PostgresNIO

// Accounts in the PostgreSQL store. Ids are given only to rows that are kept: an INSERT … ON CONFLICT takes a
// number from the identity sequence even when it updates, so existing rows are looked up first, as SQLite's
// upsert would have left them, and both stores number the same accounts the same way.
extension PostgresTransaction {
    /// Finds or registers an account, refreshing its display name, parent and (when `seen`) last-seen time.
    /// - Returns: Its id, and whether this call created it.
    func registerAccount(
        sourceID: Int64, key: AccountKey, displayName: String?, parent: AccountKey?, seen: Bool, runID: Int64?
    ) async throws -> (id: Int64, created: Bool) {
        let parentID = try await parent.asyncFlatMap { try await existingAccountID(sourceID: sourceID, key: $0) }
        let at = now.millisecondsSinceEpoch
        if let id = try await existingAccountID(sourceID: sourceID, key: key) {
            try await connection.query(
                """
                UPDATE account SET display_name = coalesce(\(displayName), display_name),
                    parent_account_id = coalesce(\(parentID), parent_account_id),
                    last_run_id = coalesce(\(runID), last_run_id),
                    last_seen_at = CASE WHEN \(seen) THEN greatest(last_seen_at, \(at)) ELSE last_seen_at END
                WHERE id = \(id)
                """, logger: logger)
            return (id, false)
        }
        let columns = KeyColumns(key)
        let id = try await one(
            Int64.self,
            """
            INSERT INTO account (source_id, kind, mr_client_id, dms_org_id, dms_org_type, twcc_prj_sys_code,
                twcc_wallet_code, display_name, parent_account_id, first_seen_at, last_seen_at, last_run_id)
            VALUES (\(sourceID), \(key.kind.rawValue), \(columns.clientID), \(columns.orgID), \(columns.orgType),
                \(columns.projectCode), \(columns.walletCode), \(displayName), \(parentID), \(at), \(at), \(runID))
            RETURNING id
            """)
        return (id, true)
    }

    /// The id of an account the ledger knows, or `nil`.
    func existingAccountID(sourceID: Int64, key: AccountKey) async throws -> Int64? {
        try await optional(
            Int64.self, "SELECT id FROM account WHERE source_id = \(sourceID) AND account_key = \(key.description)")
    }

    /// Marks accounts as seen now, and as targets of `runID`.
    func touch(sourceID: Int64, accounts: [AccountKey], runID: Int64) async throws {
        guard !accounts.isEmpty else { return }
        try await connection.query(
            """
            UPDATE account SET last_seen_at = greatest(last_seen_at, \(now.millisecondsSinceEpoch)),
                last_run_id = \(runID)
            WHERE source_id = \(sourceID) AND account_key = ANY(\(accounts.map(\.description)))
            """, logger: logger)
    }

    /// Links each TWCC wallet to its project's mother wallet (the one whose current version says 是; the first
    /// registered if several do), as the SQLite store does: each project's mother found once, by a join, and only
    /// the links that change written.
    func linkParentAccounts(sourceID: Int64) async throws {
        try await connection.query(
            """
            WITH mother AS (
                SELECT m.twcc_prj_sys_code AS project, min(m.id) AS id
                FROM account m
                JOIN balance_version v ON v.account_id = m.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                JOIN twcc_wallet_detail d ON d.version_id = v.id
                WHERE m.source_id = \(sourceID) AND m.kind = 'twcc_wallet' AND d.is_mother
                GROUP BY m.twcc_prj_sys_code
            )
            UPDATE account SET parent_account_id = mother.id
            FROM mother
            WHERE account.source_id = \(sourceID) AND account.kind = 'twcc_wallet'
              AND account.twcc_prj_sys_code = mother.project AND mother.id <> account.id
              AND account.parent_account_id IS DISTINCT FROM mother.id
              AND NOT EXISTS (
                SELECT 1 FROM balance_version v JOIN twcc_wallet_detail d ON d.version_id = v.id
                WHERE v.account_id = account.id AND v.valid_to IS NULL AND v.superseded_at IS NULL AND d.is_mother)
            """, logger: logger)
    }

    /// Marks gone the present accounts of a source that `runID` did not target (after a complete discovery).
    /// - Returns: How many were marked.
    func markUntargetedGone(sourceID: Int64, runID: Int64) async throws -> Int {
        var untargeted: [Int64] = []
        let rows = try await connection.query(
            """
            SELECT a.id FROM account a JOIN balance_version v ON v.account_id = a.id
            WHERE a.source_id = \(sourceID) AND v.valid_to IS NULL AND v.superseded_at IS NULL AND v.state = 'present'
              AND a.last_run_id IS DISTINCT FROM \(runID)
            ORDER BY a.id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { untargeted.append(id) }
        var marked = 0
        for accountID in untargeted where try await markGone(accountID: accountID, runID: runID) { marked += 1 }
        return marked
    }

    /// Closes an account's present version and adds a gone one, linked into the chain.
    func markGone(accountID: Int64, runID: Int64?) async throws -> Bool {
        guard let current = try await currentVersion(accountID), current.state == .present else { return false }
        let at = VersionDecision.goneAt(current: current, now: now.millisecondsSinceEpoch)
        let recorded = now.millisecondsSinceEpoch
        try await connection.query(
            "UPDATE balance_version SET valid_to = \(at) WHERE id = \(current.id)", logger: logger)
        let rows = try await connection.query(
            """
            WITH gone AS (
                INSERT INTO balance_version (account_id, valid_from, recorded_at, state, content_hash, observed_at,
                    run_id)
                VALUES (\(accountID), \(at), \(recorded), 'gone', \(VersionDecision.goneHash), \(recorded), \(runID))
                RETURNING account_id)
            SELECT a.source_id, a.account_key FROM gone JOIN account a ON a.id = gone.account_id
            """, logger: logger)
        for try await (sourceID, accountKey) in rows.decode((Int64, String).self) {
            try await appendLinks([.gone(sourceID: sourceID, accountKey: accountKey, at: recorded, runID: runID)])
        }
        return true
    }
}

/// The key columns of `account` for one account key.
struct KeyColumns {
    var clientID: Int64? = nil
    var orgID: Int64? = nil
    var orgType: Int64? = nil
    var projectCode: String? = nil
    var walletCode: String? = nil

    init(_ key: AccountKey) {
        switch key {
        case .modelRouter(let clientID): self.clientID = clientID
        case .dmsCredit(let orgID, let orgType):
            self.orgID = orgID
            self.orgType = orgType
        case .twccWallet(let project, let wallet):
            projectCode = project
            walletCode = wallet
        }
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
