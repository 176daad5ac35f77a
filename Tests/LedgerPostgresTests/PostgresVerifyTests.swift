import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// `verify --quick` of a PostgreSQL ledger: the chain walked on one snapshot, each edit made around the program
/// named by table and row.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresVerifyTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    func response(_ index: Int) -> RawResponseRecord {
        RawResponseRecord(
            method: "GET", url: "https://api.example.test/wallets/\(index)", action: nil, httpStatus: 200,
            dateHeaderAt: nil, receivedAt: Instant(millisecondsSinceEpoch: 1_764_547_200_000 + Int64(index)),
            requestID: "r\(index)", body: Array("{\"balance\":\"\(index).75\"}".utf8))
    }

    /// A ledger with five linked raw responses; returns the ledger and the head after the third.
    func ledger(_ database: PostgresTestDatabase) async throws -> (PostgresLedger, ChainHead) {
        let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
        let source = try await ledger.sourceID(name: "twcc", kind: .twccWallet)
        let third = try await ledger.transaction { tx in
            for index in 0..<3 { _ = try await tx.insertRaw(response(index), sourceID: source, runID: nil) }
            return try await tx.chainHead()
        }
        try await ledger.transaction { tx in
            for index in 3..<5 { _ = try await tx.insertRaw(response(index), sourceID: source, runID: nil) }
        }
        return (ledger, third)
    }

    @Test func aLedgerWrittenByTheProgramVerifiesAndAnEarlierHeadIsFound() async throws {
        try await PostgresTestDatabase.with { database in
            let (ledger, third) = try await ledger(database)
            let result = try await ledger.verifyQuick(expectHead: third.hash)
            #expect(result.findings.isEmpty)
            #expect(result.head.position == 5)
            #expect(result.expectedHeadAt == 3)
            let elsewhere = try await ledger.verifyQuick(expectHead: String(repeating: "ab", count: 32))
            #expect(elsewhere.findings.map(\.detail).contains { $0.contains("is no point of this ledger's chain") })
            await ledger.close()
        }
    }

    @Test(arguments: [
        (
            "UPDATE raw_response SET body = convert_to('{\"balance\":\"9.75\"}', 'UTF8') WHERE id = 2",
            "raw_response", "row 2's body no longer has the SHA-256 it was stored with"
        ),
        (
            "UPDATE raw_response SET url = 'https://api.example.test/other' WHERE id = 4", "raw_response",
            "row 4 differs from what was linked"
        ),
        (
            """
            INSERT INTO raw_response (source_id, method, url, http_status, received_at, sha256, body)
            SELECT 1, 'GET', 'https://x.test/', 200, 0, encode(sha256('{}'), 'hex'), convert_to('{}', 'UTF8')
            """, "raw_response", "row 6 is in no link of the chain"
        ),
        (
            """
            INSERT INTO fetch_error (source_id, target, kind, message, retryable, occurred_at)
            VALUES (1, 'MST1/W1', 'http', 'HTTP 500', true, 0)
            """, "fetch_error", "row 1 is in no link of the chain"
        ),
        (
            """
            ALTER TABLE fact_chain DISABLE TRIGGER fact_chain_no_change;
            UPDATE fact_chain SET chain_hash = repeat('0', 64) WHERE position = 3;
            ALTER TABLE fact_chain ENABLE TRIGGER fact_chain_no_change
            """, "fact_chain", "link 4's hash does not follow from link 3"
        ),
        (
            """
            ALTER TABLE fact_chain DISABLE TRIGGER fact_chain_no_change;
            DELETE FROM fact_chain WHERE position = 2;
            ALTER TABLE fact_chain ENABLE TRIGGER fact_chain_no_change
            """, "fact_chain", "link 3 follows link 1: links 2–2 are missing"
        ),
    ])
    func anEditMadeAroundTheProgramIsNamed(edit: String, table: String, detail: String) async throws {
        try await PostgresTestDatabase.with { database in
            let (ledger, _) = try await ledger(database)
            try await database.execute("DO $edit$ BEGIN EXECUTE $sql$\(edit)$sql$; END $edit$")
            let result = try await ledger.verifyQuick()
            #expect(result.findings.count >= 1)
            #expect(
                result.findings.contains { $0.check == .chain && $0.table == table && $0.detail.contains(detail) },
                "\(result.findings)")
            await ledger.close()
        }
    }

    @Test func aFailedFetchHasTheSameCanonicalFactInBothStores() async throws {
        // The SQLite store links a failed fetch from its row; the PostgreSQL walk rebuilds the fact from typed columns
        // (its flag a boolean): both must give the same bytes, or a ledger would not verify on the other store.
        let directory = try TemporaryDirectory()
        let sqlite = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: logger)
        let linked = try await sqlite.transaction { tx in
            let source = try tx.sourceID(name: "twcc", kind: .twccWallet)
            try tx.recordFetchError(
                sourceID: source, runID: nil,
                FetchErrorRecord(
                    account: nil, target: "MST1/W1", kind: "http", httpStatus: 503, remoteCode: nil,
                    message: "HTTP 503 from 部門", requestID: "req-1", retryable: true, attempts: 3))
            return try tx.chainHead()
        }
        try sqlite.close()
        let occurredAt = try #require(try Self.occurredAt(directory.file("ledger.sqlite")))
        let fact = CanonicalFact.fetchError(
            id: 1, runID: nil, sourceID: 1, accountID: nil, target: "MST1/W1", kind: "http", httpStatus: 503,
            remoteCode: nil, message: "HTTP 503 from 部門", requestID: "req-1", retryable: true, attempts: 3,
            occurredAt: occurredAt)
        #expect(FactChain.link(previous: ChainHead.genesis.hash, factSHA256: fact.sha256) == linked.hash)
    }

    static func occurredAt(_ path: String) throws -> Int64? {
        let reader = try LedgerReader.open(path: path)
        defer { try? reader.close() }
        return try reader.sql("SELECT occurred_at FROM fetch_error").rows.first.flatMap { row in
            if case .integer(let value) = row.first { value } else { nil }
        }
    }
}
