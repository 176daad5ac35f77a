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
    /// recorded: raw responses by arrival, gone markers and alert changes by when they were written.
    static func backfill(_ db: Database) throws {
        var facts: [(at: Int64, rank: Int, id: Int64, link: PendingLink)] = []
        let raws = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, run_id, source_id, method, url, action, http_status, date_header_at, received_at,
                    request_id, body FROM raw_response ORDER BY id
                """)
        while let row = try raws.next() {
            let link = try rawLink(row)
            facts.append((link.at, 0, row["id"], link))
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
        facts.sort { ($0.at, $0.rank, $0.id) < ($1.at, $1.rank, $1.id) }
        try LedgerTransaction.appendLinks(facts.map(\.link), db)
    }

    /// A raw response's link, from its stored row (columns as `raw_response` names them, with `body`): what the
    /// backfill links and what `verify` recomputes. Read with GRDB's throwing decoding: a damaged file gives an
    /// error, never a trap.
    static func rawLink(_ row: Row) throws -> PendingLink {
        let body: Data = try row.decode(forColumn: "body")
        let id: Int64 = try row.decode(forColumn: "id")
        let sourceID: Int64 = try row.decode(forColumn: "source_id")
        let runID: Int64? = try row.decode(forColumn: "run_id")
        let receivedAt: Int64 = try row.decode(forColumn: "received_at")
        let fact = CanonicalFact.raw(
            id: id, runID: runID, sourceID: sourceID, method: try row.decode(forColumn: "method"),
            url: try row.decode(forColumn: "url"), action: try row.decode(forColumn: "action"),
            httpStatus: try row.decode(forColumn: "http_status"),
            dateHeaderAt: try row.decode(forColumn: "date_header_at"), receivedAt: receivedAt,
            requestID: try row.decode(forColumn: "request_id"), bodySHA256: sha256Hex(Array(body)))
        return PendingLink(
            fact: .rawResponse, factID: id, sourceID: sourceID, runID: runID, at: receivedAt, factSHA256: fact.sha256)
    }
}
