import Crypto

extension BalanceObservation {
    /// The observation's content as canonical JSON: the figures and the source's details, amounts as strings in
    /// canonical form, keys in a fixed order. The observation time is left out, so an unchanged balance fetched
    /// again has the same content; ModelRouter's gmtModified is in, so a change that was undone still shows.
    public var contentJSON: String {
        var members: [(key: String, value: JSONValue)] = [("unit", .string(figures.unit.name))]
        func amount(_ name: String, _ value: FixedDecimal?) {
            members.append((name, value.map { .string($0.description) } ?? .null))
        }
        func text(_ name: String, _ value: String?) { members.append((name, value.map(JSONValue.string) ?? .null)) }
        func flag(_ name: String, _ value: Bool?) { members.append((name, value.map(JSONValue.bool) ?? .null)) }
        func integer(_ name: String, _ value: Int64?) {
            members.append((name, value.map { .number(String($0)) } ?? .null))
        }
        amount("available_balance", figures.availableBalance)
        amount("credit_limit", figures.creditLimit)
        amount("used", figures.used)
        amount("frozen", figures.frozen)
        amount("total_available", figures.totalAvailable)
        amount("overdue", figures.overdue)
        switch details {
        case .modelRouter(let details):
            integer("remote_id", details.remoteID)
            text("balance_type", details.balanceType)
            flag("enable_balance", details.enableBalance)
            text("gmt_create", details.gmtCreate?.iso8601)
            text("gmt_modified", details.gmtModified?.iso8601)
        case .dmsCredit(let details):
            amount("available_amount", details.availableAmount)
            amount("total_used_limit", details.totalUsedLimit)
            flag("is_unlimited_credit", details.isUnlimitedCredit)
            flag("is_expired", details.isExpired)
            text("setting_credit", details.settingCredit)
            text("credit_mode", details.creditMode)
            integer("account_days", details.accountDays.map(Int64.init))
            text("account_days_text", details.accountDaysText)
            text("credit_end_time", details.creditEndTime)
            integer("org_type", details.orgType)
            text("is_checked_name", details.isCheckedName)
        case .twccWallet(let details):
            text("project_name", details.projectName)
            text("wallet_name", details.walletName)
            text("wallet_id", details.walletID)
            text("wallet_type", details.walletType)
            flag("is_mother", details.isMother)
            text("owner_account", details.ownerAccount)
            text("owner_name", details.ownerName)
            amount("original_quota", details.originalQuota)
            amount("prj_credit_quota", details.projectCreditQuota)
            amount("prj_poc_quota", details.projectPocQuota)
            amount("prj_su_quota", details.projectSUQuota)
            amount("prj_obtained_su", details.projectObtainedSU)
        }
        return JSONValue.object(JSONObject(members)).jsonText
    }

    /// The lowercase hex SHA-256 of ``contentJSON``: equal hashes mean nothing changed.
    public var contentHash: String { sha256Hex(Array(contentJSON.utf8)) }
}

/// The lowercase hex SHA-256 of bytes.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var output: [UInt8] = []
    output.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: output, as: UTF8.self)
}
