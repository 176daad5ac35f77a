import GRDB
import LedgerCore

/// Source detail rows read back into the domain's detail types; one decoding for every reader of the tables.
enum StoredDetails {
    static func amount(_ row: Row, _ column: String) -> FixedDecimal? {
        (row[column] as Int64?).map(FixedDecimal.init(scaledValue:))
    }

    static func instant(_ row: Row, _ column: String) -> Instant? {
        (row[column] as Int64?).map(Instant.init(millisecondsSinceEpoch:))
    }

    /// A `modelrouter_balance_detail` row.
    static func modelRouter(_ d: Row) -> ModelRouterBalanceDetails {
        ModelRouterBalanceDetails(
            remoteID: d["remote_id"], balanceType: d["balance_type"], enableBalance: d["enable_balance"],
            gmtCreate: instant(d, "gmt_create"), gmtModified: instant(d, "gmt_modified"))
    }

    /// A `dms_credit_detail` row.
    static func dmsCredit(_ d: Row) -> DMSCreditDetails {
        DMSCreditDetails(
            availableAmount: amount(d, "available_amount_e4"), totalUsedLimit: amount(d, "total_used_limit_e4"),
            isUnlimitedCredit: d["is_unlimited_credit"], isExpired: d["is_expired"], settingCredit: d["setting_credit"],
            creditMode: d["credit_mode"], accountDays: d["account_days"], accountDaysText: d["account_days_text"],
            creditEndTime: d["credit_end_time"], orgType: d["org_type"], isCheckedName: d["is_checked_name"])
    }

    /// A `twcc_wallet_detail` row.
    static func twccWallet(_ d: Row) -> TWCCWalletDetails {
        TWCCWalletDetails(
            projectName: d["project_name"], walletName: d["wallet_name"], walletID: d["wallet_id"],
            walletType: d["wallet_type"], isMother: d["is_mother"], ownerAccount: d["owner_account"],
            ownerName: d["owner_name"], originalQuota: amount(d, "original_quota_e4"),
            projectCreditQuota: amount(d, "prj_credit_quota_e4"), projectPocQuota: amount(d, "prj_poc_quota_e4"),
            projectSUQuota: amount(d, "prj_su_quota_e4"), projectObtainedSU: amount(d, "prj_obtained_su_e4"))
    }
}
