import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

/// Data read from disk never crashes the process: an unknown stored value is an error naming where it is, and a
/// list of any length is read.
@Suite("Stored data: unknown values and long lists")
struct StoredDataTests {
    @Test(
        "An unknown kind or state on disk is a store error naming table, column and value",
        arguments: [
            ("UPDATE source_instance SET kind = 'martian' WHERE name = 'dms'", "source_instance.kind = 'martian'"),
            ("UPDATE balance_version SET state = 'limbo'", "balance_version.state = 'limbo'"),
        ])
    func unknownStoredValue(edit: String, named: String) async throws {
        let (directory, path) = try await FixtureLedger.shared.copy()
        defer { withExtendedLifetime(directory) {} }
        // A hand edit that the schema's CHECKs and foreign keys would refuse: the kind of damage a reader meets.
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: edit)
        }
        try queue.close()
        let reader = try LedgerReader.open(path: path)
        defer { try? reader.close() }
        var failures: [String] = []
        func attempt(_ read: () throws -> Void) {
            do { try read() } catch { failures.append("\(error)") }
        }
        attempt { _ = try reader.sourceSummaries() }
        attempt { _ = try reader.totals() }
        attempt { _ = try reader.balances() }
        attempt { _ = try reader.history(includeSuperseded: true) }
        #expect(failures.contains { $0.contains(named) }, "\(failures)")
        #expect(failures.allSatisfy { $0.contains("does not know") || $0.contains("database") }, "\(failures)")
    }

    @Test("Lists longer than SQLite's parameter limit are read whole: ids, runs, accounts and filters")
    func longLists() async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let all = try reader.balances().rows
        let real = all.map(\.account.accountID)
        // 5,000 ids, the fixture's real ones among made-up ones, in no order.
        let ids = (Array(100_000..<104_990) + real).shuffled()
        let at = ReportFixture.day(21)
        #expect(try reader.availableBalances(of: ids, validAt: at) == reader.availableBalances(of: real, validAt: at))
        let steps = try reader.availableBalanceSteps(of: ids, since: ReportFixture.day(1))
        #expect(steps == (try reader.availableBalanceSteps(of: real, since: ReportFixture.day(1))))
        #expect(!steps.isEmpty)
        var filter = QueryFilter()
        filter.accountIDs = ids
        #expect(try reader.balances(filter: filter).rows.map(\.account.accountID) == all.map(\.account.accountID))
        let runs = try reader.runs().rows.map(\.id)
        let runSources = try reader.runSources(runIDs: Array(1_000..<3_000) + runs)
        #expect(runSources.keys.sorted() == runs.sorted())
    }

    @Test("A sync's state read of thousands of accounts at once")
    func manyAccountStates() async throws {
        let (directory, path) = try await FixtureLedger.shared.copy()
        defer { withExtendedLifetime(directory) {} }
        let database = try LedgerDatabase.open(path: path, clock: SteppedClock(), logger: testLogger)
        defer { try? database.close() }
        let sourceID = try await database.transaction { tx in try tx.sourceID(name: "modelrouter", kind: .modelRouter) }
        let keys = (0..<3_000).map { AccountKey.modelRouter(clientID: Int64($0)) }
        let states = try await database.accountStates(sourceID: sourceID, accounts: keys.shuffled())
        let known = try await database.accountStates(
            sourceID: sourceID, accounts: [.modelRouter(clientID: 17), .modelRouter(clientID: 18)])
        #expect(states == known && states.count == 2)
    }
}
