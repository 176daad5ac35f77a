import Crypto
import Foundation
import GRDB
import LedgerCore

/// What walking the hash chain found.
package struct ChainWalk: Sendable {
    package var findings: [VerifyFinding] = []
    /// The last link read.
    package var head = ChainHead.genesis
    /// Where a head asked for (`--expect-head`) was found, if it was.
    package var expectedAt: Int64? = nil
}

extension LedgerVerifier {
    /// A link's columns (0–9), then its raw response's ``FactChain/rawColumns`` (10–21), read by position.
    private static let linkSQL = """
        SELECT c.position, c.fact, c.fact_id, c.source_id, c.account_key, c.run_id, c.at, c.detail, c.fact_sha256,
            c.chain_hash, r.id, r.run_id, r.source_id, r.method, r.url, r.action, r.http_status, r.date_header_at,
            r.received_at, r.request_id, r.sha256, r.body
        FROM fact_chain c LEFT JOIN raw_response r ON c.fact = 'raw_response' AND r.id = c.fact_id
        ORDER BY c.position
        """

    /// Walks the chain from its first link: each position follows the one before, each hash follows from the one
    /// before and the fact, and each fact still reads as it was linked (a raw response's bytes and identity, an
    /// alert's change, a gone marker's own fields). Then every raw response and alert must be linked. One row at a
    /// time: memory stays flat however large the ledger.
    static func walkChain(_ db: Database, expectHead: String?) throws -> ChainWalk {
        var walker = ChainWalker(expectHead: expectHead)
        let cursor = try Row.fetchCursor(db, sql: linkSQL)
        while let row = try cursor.next() {
            let factSHA256: String = try row.decode(atIndex: 8)
            walker.link(
                position: try row.decode(atIndex: 0), factSHA256: factSHA256, chainHash: try row.decode(atIndex: 9),
                problem: try factProblem(row, fact: try row.decode(atIndex: 1), linked: factSHA256, db))
        }
        // Rows of the fact tables (named as their kinds) with no link: written around the program.
        for kind in [FactKind.rawResponse, .fetchError] {
            for id in try Int64.fetchAll(
                db,
                sql: """
                    SELECT x.id FROM \(kind.rawValue) x
                    WHERE NOT EXISTS (SELECT 1 FROM fact_chain c WHERE c.fact = ? AND c.fact_id = x.id)
                    ORDER BY x.id
                    """, arguments: [kind.rawValue])
            {
                walker.unlinked(kind.rawValue, id: id)
            }
        }
        for id in try Int64.fetchAll(db, sql: unlinkedAlertsSQL) { walker.unlinkedAlert(id: id) }
        return walker.finish()
    }

    /// The alerts with a state change no link records (the same SQL in both stores).
    package static let unlinkedAlertsSQL = """
        SELECT a.id FROM alert_state a
        WHERE NOT EXISTS (SELECT 1 FROM fact_chain c WHERE c.fact = 'alert' AND c.fact_id = a.id
                          AND c.detail = 'firing')
           OR (a.state = 'resolved' AND NOT EXISTS (SELECT 1 FROM fact_chain c WHERE c.fact = 'alert'
                          AND c.fact_id = a.id AND c.detail = 'resolved'))
        ORDER BY a.id
        """

    /// What is wrong with the fact a link points to, if anything.
    private static func factProblem(
        _ row: Row, fact: String, linked: String, _ db: Database
    ) throws -> (
        table: String, detail: String
    )? {
        let factID: Int64? = try row.decode(atIndex: 2)
        switch FactKind(rawValue: fact) {
        case .rawResponse:
            guard let id = factID else { return ("fact_chain", "a raw_response link without a row id") }
            guard (try row.decode(Int64?.self, atIndex: 10)) != nil else {
                return ("raw_response", "row \(id) is missing (deleted)")
            }
            let body: Data = try row.decode(atIndex: 21)
            let recorded: String = try row.decode(atIndex: 20)
            let bodySHA256 = lowercaseHex(SHA256.hash(data: body))
            if bodySHA256 != recorded {
                return ("raw_response", "row \(id)'s body no longer has the SHA-256 it was stored with")
            }
            if try FactChain.rawLink(row, from: 10, bodySHA256: bodySHA256).factSHA256 != linked {
                return ("raw_response", "row \(id) differs from what was linked (its request, time or status changed)")
            }
        case .gone:
            let sourceID: Int64 = try row.decode(atIndex: 3)
            let fact = CanonicalFact.gone(
                sourceID: sourceID, accountKey: try row.decode(atIndex: 4), at: try row.decode(atIndex: 6),
                runID: try row.decode(atIndex: 5))
            if fact.sha256 != linked { return ("fact_chain", "a gone marker's fields differ from what was linked") }
        case .alert:
            guard let id = factID, let event = AlertEvent(rawValue: try row.decode(atIndex: 7)) else {
                return ("fact_chain", "an alert link without an alert or an event")
            }
            guard try Int64.fetchOne(db, sql: "SELECT 1 FROM alert_state WHERE id = ?", arguments: [id]) != nil else {
                return ("alert_state", "row \(id) is missing (deleted)")
            }
            if try LedgerTransaction.alertLink(id: id, event: event, db).factSHA256 != linked {
                return ("alert_state", "row \(id)'s \(event.rawValue) change differs from what was linked")
            }
        case .fetchError:
            guard let id = factID else { return ("fact_chain", "a fetch_error link without a row id") }
            guard try Int64.fetchOne(db, sql: "SELECT 1 FROM fetch_error WHERE id = ?", arguments: [id]) != nil else {
                return ("fetch_error", "row \(id) is missing (deleted)")
            }
            if try LedgerTransaction.fetchErrorLink(id: id, db).factSHA256 != linked {
                return ("fetch_error", "row \(id) differs from what was linked")
            }
        case nil:
            return ("fact_chain", "a link of an unknown kind '\(fact)'")
        }
        return nil
    }
}
