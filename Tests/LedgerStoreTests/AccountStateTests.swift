import Foundation
import GRDB
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
                sourceID: source, account: .modelRouter(clientID: 17), unit: W.cny,
                entries: [
                    BalanceLogEntry(
                        remoteID: 42, clientID: 17, changeType: "recharge",
                        changeAmount: try FixedDecimal(parsing: "100"),
                        balanceBefore: try FixedDecimal(parsing: "0"), balanceAfter: try FixedDecimal(parsing: "100"),
                        remark: nil, gmtCreate: logged)
                ],
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
        #expect(
            !gone.isCurrent(
                contentHash: W.modelRouter("7.00", modifiedHours: 2, client: 19).contentHash, displayName: nil))
        #expect(states[.modelRouter(clientID: 20)] == nil)
        #expect(states.count == 3)
    }

    @Test("After a complete discovery, present accounts the run did not target are marked gone, and only those")
    func untargetedGone() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try W.ledger(directory)
        defer { try? database.close() }
        for client in Int64(1)...1_200 {
            _ = try W.record(database, source, W.modelRouter("1.00", modifiedHours: 1, client: client))
        }
        try database.transaction { tx in
            _ = try tx.markGone(sourceID: source, account: .modelRouter(clientID: 5), runID: nil)
        }
        let key: @Sendable (Int64) -> AccountKey = { .modelRouter(clientID: $0) }
        // Every way a target ends leaves the run's mark: a new version, unchanged (touched), a failed fetch and a
        // quarantined one. 5 (already gone), 7 and 1,100 are not targeted.
        let run = try database.transaction { tx in
            let run = try tx.beginRun(mode: .online, host: nil, pid: nil)
            for client in Int64(1)...400 where client != 5 && client != 7 {
                _ = try tx.record(
                    W.modelRouter("2.00", modifiedHours: 2, client: client), raw: W.raw(), sourceID: source, runID: run)
            }
            try tx.touch(sourceID: source, accounts: (Int64(401)...1_000).map(key), runID: run)
            for client in Int64(1_001)...1_099 {
                _ = try tx.accountID(sourceID: source, key: key(client), seen: false, runID: run)
            }
            for client in Int64(1_101)...1_200 {
                try tx.recordQuarantine(
                    sourceID: source, runID: run, account: key(client), target: "t", reason: "r", raw: W.raw())
            }
            return run
        }
        let gone = try database.transaction { tx in try tx.markUntargetedGone(sourceID: source, runID: run) }
        #expect(gone == 2)
        let states = try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.mr_client_id, v.state, v.run_id FROM account a JOIN balance_version v ON v.account_id = a.id
                    WHERE v.valid_to IS NULL AND v.superseded_at IS NULL AND v.state = 'gone' ORDER BY a.mr_client_id
                    """
            ).map { ($0[0] as Int64, $0[2] as Int64?) }
        }
        #expect(states.map(\.0) == [5, 7, 1_100])
        #expect(states.map(\.1) == [nil, run, run])
        // A later run that targets the rest marks nothing more.
        let again = try database.transaction { tx in
            let next = try tx.beginRun(mode: .online, host: nil, pid: nil)
            try tx.touch(
                sourceID: source, accounts: (Int64(1)...1_200).filter { ![5, 7, 1_100].contains($0) }.map(key),
                runID: next)
            return try tx.markUntargetedGone(sourceID: source, runID: next)
        }
        #expect(again == 0)
    }
}
