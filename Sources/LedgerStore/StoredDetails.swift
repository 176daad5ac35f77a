import GRDB
import LedgerCore

/// Source detail rows read back into the domain's detail types; one decoding for every reader of the tables.
enum StoredDetails {
    /// An amount stored as `<name>_whole` and `<name>_nanos` (migration 0003), or `nil` when absent.
    /// The CHECK constraints keep the pair valid; a pair that is not (an edited file) reads as `nil` rather than
    /// as a wrong figure.
    static func amount(_ row: Row, _ name: String) -> FixedDecimal? {
        guard let whole = row[name + "_whole"] as Int64?, let nanos = row[name + "_nanos"] as Int64? else { return nil }
        return try? FixedDecimal(whole: whole, nanos: nanos)
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
            availableAmount: amount(d, "available_amount"), totalUsedLimit: amount(d, "total_used_limit"),
            isUnlimitedCredit: d["is_unlimited_credit"], isExpired: d["is_expired"], settingCredit: d["setting_credit"],
            creditMode: d["credit_mode"], accountDays: d["account_days"], accountDaysText: d["account_days_text"],
            creditEndTime: d["credit_end_time"], orgType: d["org_type"], isCheckedName: d["is_checked_name"])
    }

    /// A `twcc_wallet_detail` row.
    static func twccWallet(_ d: Row) -> TWCCWalletDetails {
        TWCCWalletDetails(
            projectName: d["project_name"], walletName: d["wallet_name"], walletID: d["wallet_id"],
            walletType: d["wallet_type"], isMother: d["is_mother"], ownerAccount: d["owner_account"],
            ownerName: d["owner_name"], originalQuota: amount(d, "original_quota"),
            projectCreditQuota: amount(d, "prj_credit_quota"), projectPocQuota: amount(d, "prj_poc_quota"),
            projectSUQuota: amount(d, "prj_su_quota"), projectObtainedSU: amount(d, "prj_obtained_su"))
    }
}
