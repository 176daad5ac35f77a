import Foundation
import LedgerCore
import LedgerStore
import Testing

@Suite("Account states and gone candidates")
struct AccountStateTests {
    typealias W = WritePathTests

    @Test("One read gives each known account's current hash, name and log cursor; gone and unknown ones differ")
    func states() async throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try W.ledger(directory)
        defer { try? database.close() }
        var named = W.modelRouter("100.00", modifiedHours: 1, client: 17)
        named.displayName = "研发部"
        _ = try W.record(database, source, named)
        _ = try W.record(database, source, W.modelRouter("5.00", modifiedHours: 2, client: 18))
        _ = try W.record(database, source, W.modelRouter("7.00", modifiedHours: 2, client: 19))
        let logged = Instant(year: 2026, month: 3, day: 2)
        try await database.transaction { tx in
            _ = try tx.insertBalanceLogs(
                sourceID: source, clientID: 17, unit: W.cny,
                entries: [BalanceLogEntry(
                    remoteID: 42, clientID: 17, changeType: "recharge", changeAmount: try FixedDecimal(parsing: "100"),
                    balanceBefore: try FixedDecimal(parsing: "0"), balanceAfter: try FixedDecimal(parsing: "100"),
                    remark: nil, gmtCreate: logged)],
                raws: [W.raw()], runID: nil)
            try tx.markGone(sourceID: source, account: .modelRouter(clientID: 19), runID: nil)
        }

        let states = try await database.accountStates(
            sourceID: source, accounts: [17, 18, 19, 20].map { .modelRouter(clientID: $0) })
        let first = try #require(states[.modelRouter(clientID: 17)])
        #expect(first.contentHash == named.contentHash)
        #expect(first.displayName == "研发部")
        #expect(first.logCursor == AccountState.LogCursor(gmtCreate: logged, remoteID: 42))
        #expect(first.isCurrent(contentHash: named.contentHash, displayName: "研发部"))
        #expect(first.isCurrent(contentHash: named.contentHash, displayName: nil))
        #expect(!first.isCurrent(contentHash: named.contentHash, displayName: "Ops"))
        #expect(!first.isCurrent(contentHash: W.modelRouter("100.01", modifiedHours: 1).contentHash, displayName: nil))
        #expect(states[.modelRouter(clientID: 18)]?.logCursor == nil)
        // Gone: known, but no current content, so nothing fetched is "current".
        let gone = try #require(states[.modelRouter(clientID: 19)])
        #expect(gone.contentHash == nil)
        #expect(!gone.isCurrent(contentHash: W.modelRouter("7.00", modifiedHours: 2, client: 19).contentHash, displayName: nil))
        #expect(states[.modelRouter(clientID: 20)] == nil)
        #expect(states.count == 3)
    }

    @Test("Present accounts not listed are the gone candidates, whatever the size of the list")
    func goneCandidates() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try W.ledger(directory)
        defer { try? database.close() }
        for client in Int64(1)...1_200 {
            _ = try W.record(database, source, W.modelRouter("1.00", modifiedHours: 1, client: client))
        }
        try database.transaction { tx in _ = try tx.markGone(sourceID: source, account: .modelRouter(clientID: 5), runID: nil) }
        // 1,200 accounts, more than one insert chunk; 7 and 1,100 are not listed, 5 is already gone.
        let listed = (Int64(1)...1_300).filter { $0 != 7 && $0 != 1_100 }.map { AccountKey.modelRouter(clientID: $0) }
        let candidates = try database.transaction { tx in try tx.presentAccounts(sourceID: source, notIn: listed) }
        #expect(Set(candidates) == [AccountKey.modelRouter(clientID: 7).description,
            AccountKey.modelRouter(clientID: 1_100).description])
        // The list is not left behind for the next call.
        let none = try database.transaction { tx in try tx.presentAccounts(sourceID: source, notIn: [AccountKey]()) }
        #expect(none.count == 1_199)
    }
}
