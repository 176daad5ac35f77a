import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// The hash chain in a PostgreSQL ledger: the same facts chain to the same head as in a SQLite ledger, and writers
/// on several connections append one after another, with no gap and no fork.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresChainTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    /// A response of the kind a source sends, different for each `index` (bodies with bytes that are not UTF-8 too).
    func response(_ index: Int) -> RawResponseRecord {
        RawResponseRecord(
            method: index % 3 == 0 ? "POST" : "GET", url: "https://api.example.test/wallets?page=\(index)",
            action: index % 2 == 0 ? "GetDepartmentBalance" : nil, httpStatus: index % 7 == 0 ? 500 : 200,
            dateHeaderAt: index % 5 == 0 ? nil : Instant(millisecondsSinceEpoch: 1_764_547_200_000 + Int64(index)),
            receivedAt: Instant(millisecondsSinceEpoch: 1_764_547_200_500 + Int64(index)),
            requestID: index % 4 == 0 ? nil : "req-\(index)-餘額",
            body: Array("{\"balance\":\"\(index).25\",\"name\":\"部门 \(index)\"}".utf8) + [0xFF, UInt8(index % 256)])
    }

    @Test func theSameFactsChainToTheSameHeadInBothStores() async throws {
        let count = 40
        let directory = try TemporaryDirectory()
        let sqlite = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: logger)
        let sqliteHead = try await sqlite.transaction { tx in
            let source = try tx.sourceID(name: "mr", kind: .modelRouter)
            let run = try tx.beginRun(mode: .online, host: "h", pid: 1)
            for index in 0..<count { _ = try tx.insertRaw(response(index), sourceID: source, runID: run) }
            return try tx.chainHead()
        }
        try sqlite.close()

        try await PostgresTestDatabase.with { database in
            let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
            let source = try await ledger.sourceID(name: "mr", kind: .modelRouter)
            let head = try await ledger.transaction { tx in
                let run = try await tx.beginRun(mode: .online, host: "h", pid: 1)
                for index in 0..<count { _ = try await tx.insertRaw(response(index), sourceID: source, runID: run) }
                return try await tx.chainHead()
            }
            #expect(head.position == Int64(count))
            #expect(head == sqliteHead)
            #expect(try await ledger.chainHead() == sqliteHead)
            // The bytes are stored exactly: the body's SHA-256 column matches the body, byte for byte.
            #expect(
                try await database.strings(
                    "SELECT count(*)::text FROM raw_response WHERE sha256 = encode(sha256(body), 'hex')")
                    == ["\(count)"])
            await ledger.close()
        }
    }

    @Test func writersOnSeveralConnectionsAppendOneAfterAnotherWithNoGapOrFork() async throws {
        try await PostgresTestDatabase.with { database in
            // Three ledgers stand for three syncers on three machines; each commits 15 transactions of 2 facts.
            var ledgers: [PostgresLedger] = []
            for _ in 0..<3 {
                ledgers.append(try await PostgresLedger.open(location: database.location, logger: logger))
            }
            let source = try await ledgers[0].sourceID(name: "mr", kind: .modelRouter)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (writer, ledger) in ledgers.enumerated() {
                    group.addTask {
                        for round in 0..<15 {
                            try await ledger.transaction { tx in
                                for fact in 0..<2 {
                                    _ = try await tx.insertRaw(
                                        response(writer * 1000 + round * 10 + fact), sourceID: source, runID: nil)
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let head = try await ledgers[0].chainHead()
            #expect(head.position == 90)
            #expect(
                try await database.strings("SELECT count(DISTINCT position)::text FROM fact_chain") == ["90"])
            // Walk the chain from genesis: each link's hash follows from the one before and its raw response's
            // canonical fact, re-read from the stored row.
            let rows = try await database.strings(
                """
                SELECT concat_ws('|', c.position, c.chain_hash, r.id, coalesce(r.run_id::text, '-'), r.source_id,
                    r.method, r.url, coalesce(r.action, '-'), r.http_status, coalesce(r.date_header_at::text, '-'),
                    r.received_at, coalesce(r.request_id, '-'), encode(sha256(r.body), 'hex'))
                FROM fact_chain AS c JOIN raw_response AS r ON r.id = c.fact_id ORDER BY c.position
                """)
            var previous = ChainHead.genesis
            for row in rows {
                let field = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                let fact = CanonicalFact.raw(
                    id: Int64(field[2])!, runID: Int64(field[3]), sourceID: Int64(field[4])!, method: field[5],
                    url: field[6], action: field[7] == "-" ? nil : field[7], httpStatus: Int64(field[8])!,
                    dateHeaderAt: Int64(field[9]), receivedAt: Int64(field[10])!,
                    requestID: field[11] == "-" ? nil : field[11], bodySHA256: field[12])
                let expected = FactChain.link(previous: previous.hash, factSHA256: fact.sha256)
                #expect(Int64(field[0]) == previous.position + 1)
                #expect(field[1] == expected, "link \(field[0])")
                previous = ChainHead(position: previous.position + 1, hash: expected)
            }
            #expect(previous == head)
            for ledger in ledgers { await ledger.close() }
        }
    }
}
