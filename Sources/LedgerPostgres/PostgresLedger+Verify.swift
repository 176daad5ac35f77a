import Crypto
import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresLedger {
    /// `verify --quick` of a PostgreSQL ledger: the migrations' checksums and the hash chain (each link follows from
    /// the one before, each fact still reads as it was linked, no fact row without a link), on one snapshot.
    ///
    /// The engine keeps its own pages and foreign keys (there is no file to check as SQLite's integrity_check does).
    /// - Parameter expectHead: A head (64 hex digits) that must be a point of the chain.
    /// - Throws: ``StoreError`` when the ledger cannot be read.
    public func verifyQuick(expectHead: String? = nil) async throws(StoreError) -> QuickVerification {
        let logger = self.logger
        let location = self.location
        return try await read { connection in
            let state = try await Self.readState(connection, location: location, logger: logger)
            var findings = LedgerVerifier.migrationFindings(state: state, shipped: Migration.postgreSQL)
            // Alerts and failed fetches first (small tables): a connection reads one result at a time, and the
            // links stream.
            let alerts = try await Self.alertFacts(connection, logger: logger)
            let fetchErrors = try await Self.fetchErrorFacts(connection, logger: logger)
            var walker = ChainWalker(expectHead: expectHead)
            let links = try await connection.query(
                """
                SELECT c.position, c.fact, c.fact_id, c.source_id, c.account_key, c.run_id, c.at, c.detail,
                    c.fact_sha256, c.chain_hash, r.id, r.run_id, r.source_id, r.method, r.url, r.action, r.http_status,
                    r.date_header_at, r.received_at, r.request_id, r.sha256, r.body
                FROM fact_chain c LEFT JOIN raw_response r ON c.fact = 'raw_response' AND r.id = c.fact_id
                ORDER BY c.position
                """, logger: logger)
            for try await row in links {
                let link = try row.decode(LinkRow.self)
                let (position, fact, factID, sourceID, accountKey, runID) = (
                    link.0, link.1, link.2, link.3, link.4, link.5
                )
                let (at, detail, factSHA256, chainHash) = (link.6, link.7, link.8, link.9)
                var problem: (table: String, detail: String)? = nil
                switch fact {
                case "raw_response":
                    problem = Self.rawProblem(link)
                case "gone":
                    let canonical = CanonicalFact.gone(
                        sourceID: sourceID ?? 0, accountKey: accountKey ?? "", at: at, runID: runID)
                    if sourceID == nil || accountKey == nil || canonical.sha256 != factSHA256 {
                        problem = ("fact_chain", "a gone marker's fields differ from what was linked")
                    }
                case "alert":
                    if let id = factID, let event = detail {
                        if let facts = alerts[id] {
                            if facts[event] != factSHA256 {
                                problem = ("alert_state", "row \(id)'s \(event) change differs from what was linked")
                            }
                        } else {
                            problem = ("alert_state", "row \(id) is missing (deleted)")
                        }
                    } else {
                        problem = ("fact_chain", "an alert link without an alert or an event")
                    }
                case "fetch_error":
                    if let id = factID {
                        if let sha256 = fetchErrors[id] {
                            if sha256 != factSHA256 {
                                problem = ("fetch_error", "row \(id) differs from what was linked")
                            }
                        } else {
                            problem = ("fetch_error", "row \(id) is missing (deleted)")
                        }
                    } else {
                        problem = ("fact_chain", "a fetch_error link without a row id")
                    }
                default:
                    problem = ("fact_chain", "a link of an unknown kind '\(fact)'")
                }
                walker.link(position: position, factSHA256: factSHA256, chainHash: chainHash, problem: problem)
            }
            for table in ["raw_response", "fetch_error"] {
                let unlinked = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT x.id FROM \(table) x
                            WHERE NOT EXISTS (SELECT 1 FROM fact_chain c WHERE c.fact = '\(table)' AND c.fact_id = x.id)
                            ORDER BY x.id
                            """), logger: logger)
                for try await (id) in unlinked.decode(Int64.self) { walker.unlinked(table, id: id) }
            }
            let unlinkedAlerts = try await connection.query(
                PostgresQuery(unsafeSQL: LedgerVerifier.unlinkedAlertsSQL), logger: logger)
            for try await (id) in unlinkedAlerts.decode(Int64.self) { walker.unlinkedAlert(id: id) }
            let walk = walker.finish()
            findings += walk.findings
            return QuickVerification(findings: findings, head: walk.head, expectedHeadAt: walk.expectedAt)
        }
    }

    /// A row of the walk: the link's columns (0–9), then its raw response's, if it links one (10–21).
    private typealias LinkRow = (
        Int64, String, Int64?, Int64?, String?, Int64?, Int64, String?, String, String, Int64?, Int64?, Int64?,
        String?, String?, String?, Int32?, Int64?, Int64?, String?, String?, ByteBuffer?
    )

    /// What is wrong with the raw response a link points to, if anything.
    private static func rawProblem(_ columns: LinkRow) -> (table: String, detail: String)? {
        let linked = columns.8
        guard let factID = columns.2 else { return ("fact_chain", "a raw_response link without a row id") }
        guard let id = columns.10, let sourceID = columns.12, let method = columns.13, let url = columns.14,
            let status = columns.16, let receivedAt = columns.18, let recorded = columns.20, let body = columns.21
        else {
            return ("raw_response", "row \(factID) is missing (deleted)")
        }
        let bodySHA256 = lowercaseHex(SHA256.hash(data: Array(buffer: body)))
        if bodySHA256 != recorded {
            return ("raw_response", "row \(id)'s body no longer has the SHA-256 it was stored with")
        }
        let fact = CanonicalFact.raw(
            id: id, runID: columns.11, sourceID: sourceID, method: method, url: url, action: columns.15,
            httpStatus: Int64(status), dateHeaderAt: columns.17, receivedAt: receivedAt, requestID: columns.19,
            bodySHA256: bodySHA256)
        if fact.sha256 != linked {
            return ("raw_response", "row \(id) differs from what was linked (its request, time or status changed)")
        }
        return nil
    }

    /// Each alert's canonical facts by event (`firing`, and `resolved` once it resolved), as the chain links them.
    private static func alertFacts(
        _ connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64: [String: String]] {
        var facts: [Int64: [String: String]] = [:]
        let rows = try await connection.query(
            "SELECT id, rule, kind, subject, firing_since, resolved_at FROM alert_state", logger: logger)
        for try await (id, rule, kind, subject, firingSince, resolvedAt) in rows.decode(
            (Int64, String, String, String, Int64, Int64?).self)
        {
            var events = [
                "firing": CanonicalFact.alert(
                    id: id, rule: rule, kind: kind, subject: subject, event: "firing", at: firingSince
                ).sha256
            ]
            if let resolvedAt {
                events["resolved"] =
                    CanonicalFact.alert(
                        id: id, rule: rule, kind: kind, subject: subject, event: "resolved", at: resolvedAt
                    ).sha256
            }
            facts[id] = events
        }
        return facts
    }

    /// Each failed fetch's canonical fact's SHA-256, by id.
    private static func fetchErrorFacts(
        _ connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64: String] {
        var facts: [Int64: String] = [:]
        let rows = try await connection.query(
            "SELECT \(unescaped: fetchErrorColumns) FROM fetch_error", logger: logger)
        for try await row in rows {
            let link = try fetchErrorLink(row)
            if let id = link.factID { facts[id] = link.factSHA256 }
        }
        return facts
    }
}

extension PostgresLedger {
    /// The columns of `fetch_error` ``fetchErrorLink(_:)`` reads, in order.
    static let fetchErrorColumns = """
        id, run_id, source_id, account_id, target, kind, http_status, remote_code, message, request_id, retryable, \
        attempts, occurred_at
        """

    /// A failed fetch's link, from its row as written (``fetchErrorColumns``): the same reading `verify` makes.
    static func fetchErrorLink(_ row: PostgresRow) throws -> PendingLink {
        let (
            id, runID, sourceID, accountID, target, kind, httpStatus, remoteCode, message, requestID, retryable,
            attempts, occurredAt
        ) = try row.decode(
            (Int64, Int64?, Int64, Int64?, String, String, Int32?, String?, String, String?, Bool, Int32, Int64).self)
        let fact = CanonicalFact.fetchError(
            id: id, runID: runID, sourceID: sourceID, accountID: accountID, target: target, kind: kind,
            httpStatus: httpStatus.map(Int64.init), remoteCode: remoteCode, message: message, requestID: requestID,
            retryable: retryable, attempts: Int64(attempts), occurredAt: occurredAt)
        return PendingLink(
            fact: .fetchError, factID: id, sourceID: sourceID, runID: runID, at: occurredAt, factSHA256: fact.sha256)
    }
}
