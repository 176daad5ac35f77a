import Crypto
import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

/// The PostgreSQL store's writes inside one transaction: a fact and its link in the hash chain commit together or
/// not at all. Obtain one with ``PostgresLedger/transaction(_:)``.
public struct PostgresTransaction: Sendable {
    let connection: PostgresConnection
    /// The recorded time of everything written in this transaction.
    public let now: Instant
    let logger: Logger
    /// What this transaction knows of the chain once it holds the chain's lock.
    let chain = ChainState()

    /// Records the start of a run, with the host and process that run it (several syncers share one ledger).
    ///
    /// Unlike the single-writer SQLite store, a new run here never marks other `running` runs interrupted: on a
    /// shared ledger they may be alive on another machine.
    public func beginRun(mode: RunMode, host: String?, pid: Int32?) async throws -> Int64 {
        try await one(
            Int64.self,
            """
            INSERT INTO sync_run (started_at, status, mode, host, pid)
            VALUES (\(now.millisecondsSinceEpoch), 'running', \(mode.rawValue), \(host), \(pid))
            RETURNING id
            """)
    }

    /// Records a run's end.
    public func finishRun(runID: Int64, status: RunStatus, message: String?) async throws {
        try await connection.query(
            """
            UPDATE sync_run SET status = \(status.rawValue), ended_at = \(now.millisecondsSinceEpoch),
                message = \(message)
            WHERE id = \(runID)
            """, logger: logger)
    }

    /// Stores a response's exact bytes, links it into the fact chain, and returns its id.
    public func insertRaw(_ raw: RawResponseRecord, sourceID: Int64, runID: Int64?) async throws -> Int64 {
        let bodySHA256 = lowercaseHex(SHA256.hash(data: raw.body))
        let id = try await one(
            Int64.self,
            """
            INSERT INTO raw_response (run_id, source_id, method, url, action, http_status, date_header_at,
                received_at, request_id, sha256, body)
            VALUES (\(runID), \(sourceID), \(raw.method), \(raw.url), \(raw.action), \(raw.httpStatus),
                \(raw.dateHeaderAt?.millisecondsSinceEpoch), \(raw.receivedAt.millisecondsSinceEpoch),
                \(raw.requestID), \(bodySHA256), \(ByteBuffer(bytes: raw.body)))
            RETURNING id
            """)
        try await appendLinks([
            .raw(raw, id: id, sourceID: sourceID, runID: runID, bodySHA256: bodySHA256)
        ])
        return id
    }

    /// The chain's last link, as this transaction sees it.
    public func chainHead() async throws -> ChainHead {
        try await PostgresLedger.chainHead(connection, logger: logger)
    }

    /// Appends links for `links`, in order, after the chain's head, in this transaction.
    ///
    /// Writers on several machines append to one chain: a transaction-level advisory lock, held from here to the
    /// commit, makes them append one after another, and the head read after taking it is the last committed one
    /// (each statement reads the latest commits), so positions have no gap and no fork.
    func appendLinks(_ links: [PendingLink]) async throws {
        guard !links.isEmpty else { return }
        // The lock is the transaction's until it ends, so the head read once after taking it stays the head: later
        // appends of this transaction follow the head it keeps.
        var head: ChainHead
        if let known = chain.head {
            head = known
        } else {
            try await connection.query(
                """
                SELECT pg_advisory_xact_lock(\(PostgresLedger.lockNamespace), \(PostgresLedger.LockSubject.chain.key))
                """, logger: logger)
            head = try await chainHead()
        }
        var rows = JSONRows()
        for link in links {
            head = ChainHead(
                position: head.position + 1, hash: FactChain.link(previous: head.hash, factSHA256: link.factSHA256))
            rows.row()
            rows.add("position", head.position)
            rows.add("fact", link.fact.rawValue)
            rows.add("fact_id", link.factID)
            rows.add("source_id", link.sourceID)
            rows.add("account_key", link.accountKey)
            rows.add("run_id", link.runID)
            rows.add("at", link.at)
            rows.add("detail", link.detail)
            rows.add("fact_sha256", link.factSHA256)
            rows.add("chain_hash", head.hash)
        }
        try await connection.query(
            """
            INSERT INTO fact_chain (position, fact, fact_id, source_id, account_key, run_id, at, detail, fact_sha256,
                chain_hash)
            SELECT position, fact, fact_id, source_id, account_key, run_id, at, detail, fact_sha256, chain_hash
            FROM jsonb_to_recordset(\(rows.json)::jsonb) AS r(position bigint, fact text, fact_id bigint,
                source_id bigint, account_key text, run_id bigint, at bigint, detail text, fact_sha256 text,
                chain_hash text)
            ORDER BY position
            """, logger: logger)
        chain.head = head
    }

    /// The one value of a statement that returns one row.
    func one<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T {
        guard let value = try await optional(type, query) else {
            throw StoreError(.invalidData("a statement that returns a row returned none"))
        }
        return value
    }

    /// The first row's value, or `nil` when there is no row.
    func optional<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        for try await (value) in try await connection.query(query, logger: logger).decode(T.self) {
            return value
        }
        return nil
    }
}

extension PostgresLedger {
    /// Runs `body` in one transaction: everything it writes commits together, or nothing does.
    /// - Throws: ``StoreError``; the transaction is rolled back.
    public func transaction<T: Sendable>(
        _ body: (PostgresTransaction) async throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await uncheckedTransaction(body)
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    /// ``transaction(_:)`` with the driver's errors as they are, for a caller that tells one kind from another.
    func uncheckedTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        let now = clock.now()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let result = try await body(PostgresTransaction(connection: connection, now: now, logger: logger))
            // The change stamp: moved by every writing transaction, in it, so that readers on any instance see it
            // change exactly with what was committed.
            try await connection.query(
                """
                UPDATE ledger_revision SET revision = revision + 1, changed_at = \(now.millisecondsSinceEpoch)
                """, logger: logger)
            return result
        }
    }

    /// The ledger's revision: a number that changes with every committed write, by any process (a server's cache
    /// key).
    public func changeStamp() async throws(StoreError) -> Int64 {
        do {
            let rows = try await client.query("SELECT revision FROM ledger_revision", logger: logger)
            for try await (revision) in rows.decode(Int64.self) { return revision }
            throw StoreError(.invalidData("ledger_revision has no row"), path: location.description)
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    /// The chain's last committed link.
    public func chainHead() async throws(StoreError) -> ChainHead {
        do {
            return try await client.withConnection { connection in
                try await Self.chainHead(connection, logger: logger)
            }
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    static func chainHead(_ connection: PostgresConnection, logger: Logger) async throws -> ChainHead {
        let rows = try await connection.query(
            "SELECT position, chain_hash FROM fact_chain ORDER BY position DESC LIMIT 1", logger: logger)
        for try await (position, hash) in rows.decode((Int64, String).self) {
            return ChainHead(position: position, hash: hash)
        }
        return .genesis
    }
}

/// The chain's head as one transaction left it, known once the transaction holds the chain's lock. Used by the one
/// task that runs the transaction; a savepoint rolled back puts back the head from before it.
final class ChainState: @unchecked Sendable {
    var head: ChainHead?
}
