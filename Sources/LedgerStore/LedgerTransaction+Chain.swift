import GRDB
import LedgerCore

/// A link about to be appended: the fact's columns of `fact_chain` and the SHA-256 of its canonical bytes.
package struct PendingLink: Sendable {
    package var fact: FactKind
    package var factID: Int64? = nil
    package var sourceID: Int64? = nil
    package var accountKey: String? = nil
    package var runID: Int64? = nil
    package var at: Int64
    package var detail: String? = nil
    package var factSHA256: String

    package init(
        fact: FactKind, factID: Int64? = nil, sourceID: Int64? = nil, accountKey: String? = nil, runID: Int64? = nil,
        at: Int64, detail: String? = nil, factSHA256: String
    ) {
        self.fact = fact
        self.factID = factID
        self.sourceID = sourceID
        self.accountKey = accountKey
        self.runID = runID
        self.at = at
        self.detail = detail
        self.factSHA256 = factSHA256
    }

    /// The link of a raw response written with `id`, whose body hashes to `bodySHA256`.
    package static func raw(
        _ raw: RawResponseRecord, id: Int64, sourceID: Int64, runID: Int64?, bodySHA256: String
    )
        -> PendingLink
    {
        let fact = CanonicalFact.raw(
            id: id, runID: runID, sourceID: sourceID, method: raw.method, url: raw.url, action: raw.action,
            httpStatus: Int64(raw.httpStatus), dateHeaderAt: raw.dateHeaderAt?.millisecondsSinceEpoch,
            receivedAt: raw.receivedAt.millisecondsSinceEpoch, requestID: raw.requestID, bodySHA256: bodySHA256)
        return PendingLink(
            fact: .rawResponse, factID: id, sourceID: sourceID, runID: runID,
            at: raw.receivedAt.millisecondsSinceEpoch, factSHA256: fact.sha256)
    }

    /// The link of an account marked gone at `at`.
    package static func gone(sourceID: Int64, accountKey: String, at: Int64, runID: Int64?) -> PendingLink {
        PendingLink(
            fact: .gone, sourceID: sourceID, accountKey: accountKey, runID: runID, at: at,
            factSHA256: CanonicalFact.gone(sourceID: sourceID, accountKey: accountKey, at: at, runID: runID).sha256)
    }
}

extension LedgerTransaction {
    private static let linkRows = RowsStatement(
        """
        INSERT INTO fact_chain (position, fact, fact_id, source_id, account_key, run_id, at, detail, fact_sha256,
            chain_hash) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    /// The chain's last link, as this transaction sees it.
    public func chainHead() throws -> ChainHead {
        try Self.chainHead(db)
    }

    static func chainHead(_ db: Database) throws -> ChainHead {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT position, chain_hash FROM fact_chain
                        WHERE position = (SELECT max(position) FROM fact_chain)
                        """))
        else { return .genesis }
        return ChainHead(position: row[0], hash: row[1])
    }

    /// Appends links for `links`, in order, after the chain's head: in this transaction, so a fact and its link
    /// commit together or not at all. The writer is the only one (one write transaction at a time), so the head
    /// read here is the head the links follow.
    func appendLinks(_ links: [PendingLink]) throws {
        try Self.appendLinks(links, db)
    }

    static func appendLinks(_ links: [PendingLink], _ db: Database) throws {
        guard !links.isEmpty else { return }
        var head = try chainHead(db)
        var values: [DatabaseValue] = []
        values.reserveCapacity(links.count * linkRows.parametersPerRow)
        for link in links {
            head = ChainHead(
                position: head.position + 1, hash: FactChain.link(previous: head.hash, factSHA256: link.factSHA256))
            values += [
                head.position.databaseValue, link.fact.rawValue.databaseValue, link.factID.databaseValue,
                link.sourceID.databaseValue, link.accountKey.databaseValue, link.runID.databaseValue,
                link.at.databaseValue, link.detail.databaseValue, link.factSHA256.databaseValue,
                head.hash.databaseValue,
            ]
        }
        try linkRows.execute(db, values: values)
    }

    /// The link of an alert's state change, made from its `alert_state` row as written (the same reading
    /// `verify` makes).
    static func alertLink(id: Int64, event: AlertEvent, _ db: Database) throws -> PendingLink {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT rule, kind, subject, firing_since, resolved_at FROM alert_state WHERE id = ?"),
                arguments: [id])
        else {
            throw StoreError(.invalidData("alert \(id) was written but cannot be read back"))
        }
        let at: Int64? = try row.decode(forColumn: event == .firing ? "firing_since" : "resolved_at")
        let fact = CanonicalFact.alert(
            id: id, rule: try row.decode(forColumn: "rule"), kind: try row.decode(forColumn: "kind"),
            subject: try row.decode(forColumn: "subject"), event: event.rawValue, at: at ?? 0)
        return PendingLink(fact: .alert, factID: id, at: at ?? 0, detail: event.rawValue, factSHA256: fact.sha256)
    }
}

extension LedgerTransaction {
    /// The link of a failed fetch, made from its `fetch_error` row as written (the same reading `verify` makes).
    static func fetchErrorLink(id: Int64, _ db: Database) throws -> PendingLink {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT \(CanonicalFact.fetchErrorColumns.joined(separator: ", ")) FROM fetch_error WHERE id = ?"
                ), arguments: [id])
        else {
            throw StoreError(.invalidData("fetch error \(id) was written but cannot be read back"))
        }
        let occurred: Int64 = try row.decode(atIndex: 12)
        return PendingLink(
            fact: .fetchError, factID: id, sourceID: try row.decode(atIndex: 2), runID: try row.decode(atIndex: 1),
            at: occurred, factSHA256: try CanonicalFact.fetchError(row).sha256)
    }
}

/// The state changes of an alert that the chain records.
package enum AlertEvent: String, Sendable {
    case firing
    case resolved
}
