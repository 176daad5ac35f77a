import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("Group commit")
struct GroupCommitterTests {
    typealias W = WritePathTests

    struct UnitFailed: Error {}

    @Test(
        "Units written at once commit together, each all or nothing: a failing unit leaves no trace (nor counts), the rest land"
    )
    func unitsAreAtomic() async throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try W.ledger(directory)
        defer { try? database.close() }
        let (run, other) = try await database.transaction { tx in
            let run = try tx.beginRun(mode: .online, host: nil, pid: nil)
            let other = try tx.sourceID(name: "dms", kind: .dmsCredit)
            try tx.beginRunSource(runID: run, sourceID: source)
            try tx.beginRunSource(runID: run, sourceID: other)
            return (run, other)
        }
        let committer = GroupCommitter(database: database)
        // Every seventh unit writes a version and its counts and then fails: a Swift error, or the store refusing
        // (a source name already registered with another kind), half of each.
        let outcomes = await withTaskGroup(of: (Int64, Bool).self) { group in
            for client in Int64(1)...120 {
                group.addTask {
                    do {
                        try await committer.write { tx in
                            _ = try tx.record(
                                W.modelRouter("\(client).00", modifiedHours: 1, client: client), raw: W.raw(),
                                sourceID: source, runID: nil)
                            var counts = RunCounts()
                            counts.targets = 1
                            counts.logEntries = Int(client)
                            try tx.addCounts(runID: run, sourceID: source, counts)
                            counts.targets = 2
                            try tx.addCounts(runID: run, sourceID: other, counts)
                            guard client % 7 != 0 else {
                                if client % 2 == 0 { throw UnitFailed() }
                                _ = try tx.sourceID(name: "mr", kind: .dmsCredit)
                                return
                            }
                        }
                        return (client, true)
                    } catch {
                        return (client, false)
                    }
                }
            }
            var outcomes: [Int64: Bool] = [:]
            for await (client, landed) in group { outcomes[client] = landed }
            return outcomes
        }
        #expect(outcomes.count == 120)
        for (client, landed) in outcomes { #expect(landed == (client % 7 != 0), "client \(client)") }

        let (accounts, versions, raws) = try await database.writer.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT mr_client_id FROM account ORDER BY mr_client_id"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_version") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM raw_response") ?? -1
            )
        }
        let expected = (Int64(1)...120).filter { $0 % 7 != 0 }
        #expect(accounts == expected)
        #expect(versions == expected.count)
        #expect(raws == expected.count)
        // The counts of the units that landed, per source, and none of the rolled-back ones.
        let counts = try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT source_id, targets, log_entries FROM sync_run_source WHERE run_id = ? ORDER BY source_id",
                arguments: [run]
            )
            .map { [$0[0], $0[1], $0[2]] as [Int64] }
        }
        let sum = expected.reduce(0, +)
        #expect(counts == [[source, Int64(expected.count), sum], [other, Int64(2 * expected.count), sum]])
        #expect(try await database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test("Submitted units are committed in order by the time flush returns, through a queue smaller than the work")
    func submitAndFlush() async throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try W.ledger(directory)
        defer { try? database.close() }
        // A queue of 8 for 200 units: submit must wait for room and lose nothing.
        let committer = GroupCommitter(database: database, maximumGroup: 4, capacity: 8, delay: .milliseconds(5))
        let completed = Completions()
        for client in Int64(1)...200 {
            await committer.submit(
                { tx in
                    _ = try tx.record(
                        W.modelRouter("1.00", modifiedHours: 1, client: client), raw: W.raw(), sourceID: source,
                        runID: nil)
                    return client
                }, completion: { completed.append($0) })
        }
        await committer.flush()
        let results = completed.values
        #expect(results.count == 200)
        #expect(results.compactMap { try? $0.get() } == Array(Int64(1)...200))
        let versions = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_version")
        }
        #expect(versions == 200)
        // Nothing pending: flush returns at once.
        await committer.flush()
    }

    /// Completions as they arrive.
    final class Completions: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<Int64, StoreError>] = []
        func append(_ result: Result<Int64, StoreError>) { lock.withLock { results.append(result) } }
        var values: [Result<Int64, StoreError>] { lock.withLock { results } }
    }
}
