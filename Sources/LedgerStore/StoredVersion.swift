import GRDB
import LedgerCore

/// Reads a stored version back into the domain's observation type.
enum StoredVersion {
    /// The observation a version holds, or `nil` for a missing or gone version.
    static func observation(_ db: Database, versionID: Int64) throws -> BalanceObservation? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT v.*, a.kind, a.mr_client_id, a.dms_org_id, a.dms_org_type, a.twcc_prj_sys_code,
                        a.twcc_wallet_code, a.display_name
                    FROM balance_version AS v JOIN account AS a ON a.id = v.account_id
                    WHERE v.id = ? AND v.state = 'present'
                    """,
                arguments: [versionID])
        else { return nil }
        let amount = StoredDetails.amount
        let instant = StoredDetails.instant
        let unit = try MoneyUnit(row["unit"] as String)
        let figures = BalanceFigures(
            unit: unit, availableBalance: amount(row, "available_balance"), creditLimit: amount(row, "credit_limit"),
            used: amount(row, "used"), frozen: amount(row, "frozen"),
            totalAvailable: amount(row, "total_available"), overdue: amount(row, "overdue"))
        let key: AccountKey
        let details: SourceDetails
        switch row["kind"] as String {
        case SourceKind.modelRouter.rawValue:
            key = .modelRouter(clientID: row["mr_client_id"])
            guard
                let d = try Row.fetchOne(
                    db, sql: "SELECT * FROM modelrouter_balance_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no ModelRouter details")) }
            details = .modelRouter(StoredDetails.modelRouter(d))
        case SourceKind.dmsCredit.rawValue:
            key = .dmsCredit(orgID: row["dms_org_id"], orgType: row["dms_org_type"])
            guard
                let d = try Row.fetchOne(
                    db, sql: "SELECT * FROM dms_credit_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no DMS details")) }
            details = .dmsCredit(StoredDetails.dmsCredit(d))
        default:
            key = .twccWallet(projectCode: row["twcc_prj_sys_code"], walletCode: row["twcc_wallet_code"])
            guard
                let d = try Row.fetchOne(
                    db, sql: "SELECT * FROM twcc_wallet_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no TWCC details")) }
            details = .twccWallet(StoredDetails.twccWallet(d))
        }
        return BalanceObservation(
            account: key, displayName: row["display_name"], sourceModifiedAt: instant(row, "source_modified_at"),
            observedAt: Instant(millisecondsSinceEpoch: row["observed_at"]), figures: figures, details: details)
    }
}
