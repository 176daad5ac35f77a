import Crypto

extension BalanceObservation {
    /// The observation's content as canonical JSON: the figures and the source's details, amounts as strings in
    /// canonical form, keys in a fixed order. The observation time is left out, so an unchanged balance fetched
    /// again has the same content; ModelRouter's gmtModified is in, so a change that was undone still shows.
    public var contentJSON: String { String(decoding: contentJSONBytes, as: UTF8.self) }

    /// The UTF-8 bytes of ``contentJSON``, which ``contentHash`` hashes.
    public var contentJSONBytes: [UInt8] {
        // Written member by member, straight into bytes: it is built for every observation a sync fetches and every
        // one a rebuild replays.
        var object = CanonicalObject()
        func amount(_ name: StaticString, _ value: FixedDecimal?) { object.amount(name, value) }
        func text(_ name: StaticString, _ value: String?) { object.string(name, value) }
        func flag(_ name: StaticString, _ value: Bool?) { object.flag(name, value) }
        func integer(_ name: StaticString, _ value: Int64?) { object.integer(name, value) }
        text("unit", figures.unit.name)
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
        return object.finish()
    }

    /// The lowercase hex SHA-256 of ``contentJSON``: equal hashes mean nothing changed.
    public var contentHash: String { sha256Hex(contentJSONBytes) }
}

/// A JSON object written member by member in call order, as ``JSONValue/jsonText`` writes an object: the same
/// bytes, without building the value first.
private struct CanonicalObject {
    private var output: [UInt8] = [UInt8(ascii: "{")]
    private var empty = true

    init() { output.reserveCapacity(512) }

    /// A member whose value is a string, or `null`.
    mutating func string(_ key: StaticString, _ value: String?) {
        self.key(key)
        if let value { JSONValue.writeString(value, to: &output) } else { null() }
    }

    /// A member whose value is an amount as a string in canonical form (``FixedDecimal/description``), or `null`.
    mutating func amount(_ key: StaticString, _ value: FixedDecimal?) {
        self.key(key)
        guard let value else { return null() }
        output.append(UInt8(ascii: "\""))
        value.appendText(scale: FixedDecimal.minimumDisplayScale, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// A member whose value is a boolean, or `null`.
    mutating func flag(_ key: StaticString, _ value: Bool?) {
        self.key(key)
        guard let value else { return null() }
        output.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// A member whose value is an integer, or `null`.
    mutating func integer(_ key: StaticString, _ value: Int64?) {
        self.key(key)
        guard let value else { return null() }
        appendDecimal(value, to: &output)
    }

    private mutating func null() { output.append(contentsOf: "null".utf8) }

    private mutating func key(_ key: StaticString) {
        if !empty { output.append(UInt8(ascii: ",")) }
        empty = false
        // The keys are this file's ASCII literals: nothing in them needs an escape.
        output.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { output.append(contentsOf: $0) }
        output.append(contentsOf: "\":".utf8)
    }

    consuming func finish() -> [UInt8] {
        output.append(UInt8(ascii: "}"))
        return output
    }
}

/// The lowercase hex SHA-256 of bytes.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    lowercaseHex(SHA256.hash(data: bytes))
}

/// Bytes as lowercase hex, two digits each (digests in manifests, signatures, content hashes).
public func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    if let hex = bytes.withContiguousStorageIfAvailable({ hexText($0) }) { return hex }
    return hexText(Array(bytes))
}

/// A digest as lowercase hex, read in place: the hash chain makes two per fact.
public func lowercaseHex(_ digest: SHA256Digest) -> String {
    digest.withUnsafeBytes { hexText($0) }
}

private func hexText(_ bytes: some Collection<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { output in
        let digits: StaticString = "0123456789abcdef"
        var index = 0
        digits.withUTF8Buffer { digit in
            for byte in bytes {
                output[index] = digit[Int(byte >> 4)]
                output[index + 1] = digit[Int(byte & 0x0F)]
                index += 2
            }
        }
        return index
    }
}
