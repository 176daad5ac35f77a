import Foundation
import GRDB
import LedgerCore

/// A stored raw response, as ``LedgerDatabase/rebuildEvents()`` hands it back for decoding.
public struct StoredRaw: Sendable {
    /// The stored response's id.
    public var id: Int64
    /// The source it came from.
    public var sourceID: Int64
    /// That source's name.
    public var sourceName: String
    /// That source's kind.
    public var kind: SourceKind
    /// The HTTP method.
    public var method: String
    /// The URL, without credentials.
    public var url: String
    /// The answer's status.
    public var httpStatus: Int
    /// Its Date header, if any.
    public var dateHeaderAt: Instant?
    /// When it arrived.
    public var receivedAt: Instant
    /// The body, byte for byte.
    public var body: [UInt8]
}

/// What a rebuild replays, in the order the ledger first learned it.
public enum RebuildEvent: Sendable {
    /// A raw response that something was derived from.
    case raw(id: Int64, at: Instant)
    /// A complete discovery no longer listed the account.
    case gone(sourceID: Int64, account: AccountKey, at: Instant, runID: Int64?)

    /// When it happened: the order rebuild replays events in.
    public var at: Instant {
        switch self {
        case .raw(_, let at), .gone(_, _, let at, _): at
        }
    }
}

extension LedgerDatabase {
    /// Every raw response but those quarantined (found by what was stored, never by what was derived from it: a
    /// deleted version must not hide its response from the rebuild that re-derives it), and every gone fact of the chain, oldest first: the facts a rebuild
    /// replays.
    /// - Throws: ``StoreError``.
    public func rebuildEvents() throws(StoreError) -> [RebuildEvent] {
        do {
            return try writer.read { db in
                var events: [(Int64, Int, RebuildEvent)] = []
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT r.id, r.received_at FROM raw_response r
                        WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_response_id = r.id)
                        """)
                {
                    let at: Int64 = row[1]
                    events.append((at, 0, .raw(id: row[0], at: Instant(millisecondsSinceEpoch: at))))
                }
                // Gone markers come from the chain, not from the versions: the versions are what a rebuild
                // re-derives (and what `verify` compares), the chain is what the writer learned.
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.source_id, a.kind, a.account_key, c.at, c.run_id
                        FROM fact_chain c JOIN account a ON a.source_id = c.source_id AND a.account_key = c.account_key
                        WHERE c.fact = 'gone' ORDER BY c.position
                        """)
                {
                    guard let kind = SourceKind(rawValue: row[1]), let key = AccountKey(row[2], kind: kind) else {
                        continue
                    }
                    let at: Int64 = row[3]
                    events.append(
                        (
                            at, 1,
                            .gone(
                                sourceID: row[0], account: key, at: Instant(millisecondsSinceEpoch: at), runID: row[4])
                        ))
                }
                return events.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    /// Runs `body` in one write transaction stamped with a given time (a rebuild replays each fact at its time).
    public func transaction<T: Sendable>(
        at now: Instant, _ body: @escaping @Sendable (LedgerTransaction) throws -> T
    )
        async throws(StoreError) -> T
    {
        do {
            return try await writer.write { db in try body(LedgerTransaction(db: db, now: now)) }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }
}

extension LedgerTransaction {
    /// Deletes every row derived from raw responses (versions, details, conflicts, movements, cursors), keeping
    /// sources, accounts, runs, raw responses, fetch errors and quarantine.
    public func clearDerivedTables() throws {
        for table in [
            "conflict", "modelrouter_balance_detail", "dms_credit_detail", "twcc_wallet_detail",
            "balance_version", "modelrouter_balance_log", "modelrouter_log_cursor",
        ] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }

    /// A stored raw response.
    public func storedRaw(id: Int64) throws -> StoredRaw? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT r.*, s.name AS source_name, s.kind AS source_kind FROM raw_response r
                JOIN source_instance s ON s.id = r.source_id WHERE r.id = ?
                """, arguments: [id]
        ).flatMap { row in
            guard let kind = SourceKind(rawValue: row["source_kind"]) else { return nil }
            return StoredRaw(
                id: row["id"], sourceID: row["source_id"], sourceName: row["source_name"], kind: kind,
                method: row["method"], url: row["url"], httpStatus: row["http_status"],
                dateHeaderAt: (row["date_header_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
                receivedAt: Instant(millisecondsSinceEpoch: row["received_at"]), body: Array(row["body"] as Data))
        }
    }
}

extension LedgerTransaction {
    /// The unit of an account's current present version.
    public func currentUnit(sourceID: Int64, account: AccountKey) throws -> MoneyUnit? {
        try String.fetchOne(
            db,
            sql: """
                SELECT v.unit FROM balance_version v JOIN account a ON a.id = v.account_id
                WHERE a.source_id = ? AND a.account_key = ? AND v.valid_to IS NULL AND v.superseded_at IS NULL
                  AND v.state = 'present'
                """, arguments: [sourceID, account.description]
        ).flatMap { try? MoneyUnit($0) }
    }
}
