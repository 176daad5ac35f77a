import GRDB
import LedgerCore

/// What the ledger holds now for one account: enough to tell an unchanged fetch without writing, and where its
/// movement log pull stands.
public struct AccountState: Sendable, Equatable {
    /// The content hash of the current version, if the account is present.
    public var contentHash: String?
    /// The account's display name.
    public var displayName: String?
    /// Where the incremental pull of a ModelRouter client's balance log stands.
    public var logCursor: LogCursor?

    /// The last balance log entry stored for a ModelRouter client.
    public struct LogCursor: Sendable, Equatable {
        /// The newest movement's time.
        public var gmtCreate: Instant
        /// Its id, to order movements of the same time.
        public var remoteID: Int64

        public init(gmtCreate: Instant, remoteID: Int64) {
            self.gmtCreate = gmtCreate
            self.remoteID = remoteID
        }
    }

    public init(contentHash: String?, displayName: String?, logCursor: LogCursor?) {
        self.contentHash = contentHash
        self.displayName = displayName
        self.logCursor = logCursor
    }

    /// Whether a fetch with this content and display name would change nothing.
    /// - Parameters:
    ///   - contentHash: The fetched observation's content hash.
    ///   - displayName: The display name the fetch would set; `nil` leaves the stored one.
    public func isCurrent(contentHash: String, displayName: String?) -> Bool {
        self.contentHash == contentHash && (displayName == nil || displayName == self.displayName)
    }
}

extension LedgerDatabase {
    /// The ledger's current state of many accounts of one source, in one read.
    ///
    /// A sync reads its targets' states a chunk at a time instead of twice per target: one reader hop and one
    /// indexed statement for hundreds of accounts.
    /// - Parameters:
    ///   - sourceID: The source.
    ///   - accounts: The accounts, any number (asked for a few hundred at a time, under SQLite's parameter limit).
    /// - Returns: The state of each account the ledger knows; accounts it does not know are absent.
    /// - Throws: ``StoreError`` if the read fails.
    public func accountStates(
        sourceID: Int64, accounts: [AccountKey]
    ) async throws(StoreError)
        -> [AccountKey: AccountState]
    {
        guard !accounts.isEmpty else { return [:] }
        let keys = Dictionary(accounts.map { ($0.description, $0) }, uniquingKeysWith: { first, _ in first })
        do {
            return try await writer.read { db in
                var states: [AccountKey: AccountState] = [:]
                for chunk in Array(keys.keys).chunks(of: inListChunk) {
                    let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    // `current` is the partial unique index's condition, so the join is one index probe per account.
                    let rows = try Row.fetchCursor(
                        db.cachedStatement(
                            sql: """
                                SELECT a.account_key, a.display_name, v.state, v.content_hash, c.last_gmt_create, c.last_remote_id
                                FROM account a
                                LEFT JOIN balance_version v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
                                LEFT JOIN modelrouter_log_cursor c ON c.account_id = a.id
                                WHERE a.source_id = ? AND a.account_key IN (\(placeholders))
                                """), arguments: StatementArguments([sourceID] + Array(chunk)))
                    while let row = try rows.next() {
                        guard let key = keys[row[0] as String] else { continue }
                        let present = (row[2] as String?) == "present"
                        let cursor = (row[4] as Int64?).flatMap { gmtCreate in
                            (row[5] as Int64?).map {
                                AccountState.LogCursor(
                                    gmtCreate: Instant(millisecondsSinceEpoch: gmtCreate), remoteID: $0)
                            }
                        }
                        states[key] = AccountState(
                            contentHash: present ? row[3] : nil, displayName: row[1], logCursor: cursor)
                    }
                }
                return states
            }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }
}
