import Foundation
import GRDB
import LedgerCore
import LedgerStore
import Testing

@Suite("TWCC mother-wallet links")
struct TWCCLinkTests {
    typealias W = WritePathTests

    static func wallet(_ project: String, _ wallet: String, mother: Bool) -> BalanceObservation {
        let zero = FixedDecimal.zero
        return BalanceObservation(
            account: .twccWallet(projectCode: project, walletCode: wallet), displayName: wallet, parent: nil,
            sourceModifiedAt: nil, observedAt: W.t0,
            figures: BalanceFigures(unit: .serviceUnits, availableBalance: try! FixedDecimal(parsing: "10")),
            details: .twccWallet(
                TWCCWalletDetails(
                    projectName: project, walletName: wallet, walletID: wallet, walletType: mother ? "mother" : "child",
                    isMother: mother, ownerAccount: "u", ownerName: "n", originalQuota: zero, projectCreditQuota: zero,
                    projectPocQuota: zero, projectSUQuota: zero, projectObtainedSU: zero)))
    }

    @Test(
        "Each child points at its project's first mother; mothers, motherless projects and other sources stay",
        arguments: [1, 2, 2_000])
    func links(idsPerStatement: Int64) throws {
        let directory = try TemporaryDirectory()
        let (database, mr, _) = try W.ledger(directory)
        defer { try? database.close() }
        let twcc = try database.transaction { tx in try tx.sourceID(name: "twcc", kind: .twccWallet) }
        // Registered in this order, so ids rise down the list: P2's child comes before its mothers, and the
        // ModelRouter account sits between TWCC ids.
        let wallets: [(String, String, Bool)] = [
            ("P1", "W0", true), ("P1", "W1", false), ("P2", "W5", false), ("P2", "W6", true), ("P2", "W7", true),
            ("P3", "W8", false), ("P1", "W2", false), ("P1/X", "W9", false),
        ]
        for (index, (project, code, mother)) in wallets.enumerated() {
            _ = try W.record(database, twcc, Self.wallet(project, code, mother: mother))
            if index == 3 { _ = try W.record(database, mr, W.modelRouter("1.00", modifiedHours: 1, client: 17)) }
        }
        let ids = try database.writer.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT account_key, id FROM account").map {
                    ($0[0] as String, $0[1] as Int64)
                })
        }
        // A stale link to correct, and the ModelRouter account's own parent to leave alone.
        try database.writer.write { db in
            try db.execute(
                sql: "UPDATE account SET parent_account_id = ? WHERE id = ?", arguments: [ids["P3/W8"], ids["P1/W2"]])
            try db.execute(
                sql: "UPDATE account SET parent_account_id = ? WHERE id = ?", arguments: [ids["P1/W0"], ids["17"]])
        }
        try database.transaction { tx in try tx.linkParentAccounts(sourceID: twcc, idsPerStatement: idsPerStatement) }
        let parents = try database.writer.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.account_key, p.account_key FROM account c LEFT JOIN account p ON p.id = c.parent_account_id
                        """
                ).map { ($0[0] as String, $0[1] as String?) })
        }
        #expect(
            parents == [
                "P1/W0": nil, "P1/W1": "P1/W0", "P1/W2": "P1/W0",
                "P2/W5": "P2/W6", "P2/W6": nil, "P2/W7": nil,
                "P3/W8": nil, "P1/X/W9": nil, "17": "P1/W0",
            ])
    }
}
