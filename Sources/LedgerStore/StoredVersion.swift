import GRDB
import LedgerCore

/// Reads a stored version back into the domain's observation type.
enum StoredVersion {
    /// The observation a version holds, or `nil` for a missing or gone version.
    static func observation(_ db: Database, versionID: Int64) throws -> BalanceObservation? {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT v.*, a.kind, a.mr_client_id, a.dms_org_id, a.dms_org_type, a.twcc_prj_sys_code,
                    a.twcc_wallet_code, a.display_name
                FROM balance_version AS v JOIN account AS a ON a.id = v.account_id
                WHERE v.id = ? AND v.state = 'present'
                """,
            arguments: [versionID])
        else { return nil }
        func amount(_ row: Row, _ column: String) -> FixedDecimal? {
            (row[column] as Int64?).map(FixedDecimal.init(scaledValue:))
        }
        func instant(_ row: Row, _ column: String) -> Instant? {
            (row[column] as Int64?).map(Instant.init(millisecondsSinceEpoch:))
        }
        let unit = try MoneyUnit(row["unit"] as String)
        let figures = BalanceFigures(
            unit: unit, availableBalance: amount(row, "available_balance_e4"), creditLimit: amount(row, "credit_limit_e4"),
            used: amount(row, "used_e4"), frozen: amount(row, "frozen_e4"),
            totalAvailable: amount(row, "total_available_e4"), overdue: amount(row, "overdue_e4"))
        let key: AccountKey
        let details: SourceDetails
        switch row["kind"] as String {
        case SourceKind.modelRouter.rawValue:
            key = .modelRouter(clientID: row["mr_client_id"])
            guard let d = try Row.fetchOne(
                db, sql: "SELECT * FROM modelrouter_balance_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no ModelRouter details")) }
            details = .modelRouter(ModelRouterBalanceDetails(
                remoteID: d["remote_id"], balanceType: d["balance_type"], enableBalance: d["enable_balance"],
                gmtCreate: instant(d, "gmt_create"), gmtModified: instant(d, "gmt_modified")))
        case SourceKind.dmsCredit.rawValue:
            key = .dmsCredit(orgID: row["dms_org_id"], orgType: row["dms_org_type"])
            guard let d = try Row.fetchOne(
                db, sql: "SELECT * FROM dms_credit_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no DMS details")) }
            details = .dmsCredit(DMSCreditDetails(
                availableAmount: amount(d, "available_amount_e4"), totalUsedLimit: amount(d, "total_used_limit_e4"),
                isUnlimitedCredit: d["is_unlimited_credit"], isExpired: d["is_expired"],
                settingCredit: d["setting_credit"], creditMode: d["credit_mode"], accountDays: d["account_days"],
                accountDaysText: d["account_days_text"], creditEndTime: d["credit_end_time"], orgType: d["org_type"],
                isCheckedName: d["is_checked_name"]))
        default:
            key = .twccWallet(projectCode: row["twcc_prj_sys_code"], walletCode: row["twcc_wallet_code"])
            guard let d = try Row.fetchOne(
                db, sql: "SELECT * FROM twcc_wallet_detail WHERE version_id = ?", arguments: [versionID])
            else { throw StoreError(.invalidData("version \(versionID) has no TWCC details")) }
            details = .twccWallet(TWCCWalletDetails(
                projectName: d["project_name"], walletName: d["wallet_name"], walletID: d["wallet_id"],
                walletType: d["wallet_type"], isMother: d["is_mother"], ownerAccount: d["owner_account"],
                ownerName: d["owner_name"], originalQuota: amount(d, "original_quota_e4"),
                projectCreditQuota: amount(d, "prj_credit_quota_e4"), projectPocQuota: amount(d, "prj_poc_quota_e4"),
                projectSUQuota: amount(d, "prj_su_quota_e4"), projectObtainedSU: amount(d, "prj_obtained_su_e4")))
        }
        return BalanceObservation(
            account: key, displayName: row["display_name"], sourceModifiedAt: instant(row, "source_modified_at"),
            observedAt: Instant(millisecondsSinceEpoch: row["observed_at"]), figures: figures, details: details)
    }
}
