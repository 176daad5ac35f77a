import Crypto
import Foundation
import GRDB
import LedgerCore

extension MigrationPlan {
    /// What a migration does beyond its SQL, in its transaction, where SQL cannot (SQLite has no SHA-256). Keyed by
    /// migration id; like the SQL files, an entry that has shipped is never changed.
    static let backfills: [String: @Sendable (Database) throws -> Void] = [
        "0007_fact_chain": FactChain.backfill
    ]
}

extension FactChain {
    /// Links the facts a ledger held before it had a chain (migration 0007), oldest first by the time each was
    /// recorded: raw responses by arrival, gone markers, alert changes and failed fetches by when they were written.
    static func backfill(_ db: Database) throws {
        var facts: [(at: Int64, rank: Int, id: Int64, link: PendingLink)] = []
        let raws = try Row.fetchCursor(
            db,
            sql: "SELECT \(rawColumns) FROM raw_response ORDER BY id")
        while let row = try raws.next() {
            let link = try rawLink(row)
            facts.append((link.at, 0, link.factID ?? 0, link))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT a.source_id, a.account_key, v.recorded_at, v.run_id, v.id
                FROM balance_version v JOIN account a ON a.id = v.account_id
                WHERE v.state = 'gone' AND v.superseded_at IS NULL ORDER BY v.id
                """)
        {
            let link = PendingLink.gone(
                sourceID: row["source_id"], accountKey: row["account_key"], at: row["recorded_at"], runID: row["run_id"]
            )
            facts.append((link.at, 1, row["id"], link))
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, state FROM alert_state ORDER BY id") {
            let id: Int64 = row["id"]
            let firing = try LedgerTransaction.alertLink(id: id, event: .firing, db)
            facts.append((firing.at, 2, id, firing))
            if row["state"] as String == AlertEvent.resolved.rawValue {
                let resolved = try LedgerTransaction.alertLink(id: id, event: .resolved, db)
                facts.append((resolved.at, 2, id, resolved))
            }
        }
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM fetch_error ORDER BY id") {
            let link = try LedgerTransaction.fetchErrorLink(id: id, db)
            facts.append((link.at, 3, id, link))
        }
        facts.sort { ($0.at, $0.rank, $0.id) < ($1.at, $1.rank, $1.id) }
        try LedgerTransaction.appendLinks(facts.map(\.link), db)
    }

    /// The columns of `raw_response` a link is made from, in the order ``rawLink(_:from:bodySHA256:)`` reads them.
    static let rawColumns = """
        id, run_id, source_id, method, url, action, http_status, date_header_at, received_at, request_id, sha256, body
        """

    /// A raw response's link, from its stored row: ``rawColumns`` from column `offset` on (read by position: a
    /// walk of the chain reads every response). What the backfill links and what `verify` recomputes. Read with
    /// GRDB's throwing decoding: a damaged file gives an error, never a trap.
    static func rawLink(_ row: Row, from offset: Int = 0, bodySHA256 known: String? = nil) throws -> PendingLink {
        let bodySHA256: String
        if let known {
            bodySHA256 = known
        } else {
            let body: Data = try row.decode(atIndex: offset + 11)
            bodySHA256 = lowercaseHex(SHA256.hash(data: body))
        }
        let id: Int64 = try row.decode(atIndex: offset)
        let runID: Int64? = try row.decode(atIndex: offset + 1)
        let sourceID: Int64 = try row.decode(atIndex: offset + 2)
        let receivedAt: Int64 = try row.decode(atIndex: offset + 8)
        let fact = CanonicalFact.raw(
            id: id, runID: runID, sourceID: sourceID, method: try row.decode(atIndex: offset + 3),
            url: try row.decode(atIndex: offset + 4), action: try row.decode(atIndex: offset + 5),
            httpStatus: try row.decode(atIndex: offset + 6), dateHeaderAt: try row.decode(atIndex: offset + 7),
            receivedAt: receivedAt, requestID: try row.decode(atIndex: offset + 9), bodySHA256: bodySHA256)
        return PendingLink(
            fact: .rawResponse, factID: id, sourceID: sourceID, runID: runID, at: receivedAt, factSHA256: fact.sha256)
    }
}
