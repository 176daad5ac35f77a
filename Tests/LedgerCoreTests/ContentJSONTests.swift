import LedgerCore
import LedgerSimulator
import Testing

/// The canonical content of one observation of each kind, with text that needs escapes, text that does not, CJK,
/// and absent values.
enum ContentSamples {
    static let cny = try! MoneyUnit("CNY")
    static let t0 = Instant(year: 2026, month: 3, day: 4)

    static var all: [BalanceObservation] {
        [
            BalanceObservation(
                account: .modelRouter(clientID: 1001), sourceModifiedAt: t0, observedAt: t0,
                figures: BalanceFigures(unit: cny, availableBalance: try! FixedDecimal(parsing: "42290.49")),
                details: .modelRouter(
                    ModelRouterBalanceDetails(
                        remoteID: 7, balanceType: "amount", enableBalance: true, gmtCreate: t0, gmtModified: t0))),
            BalanceObservation(
                account: .dmsCredit(orgID: 101, orgType: 2), sourceModifiedAt: nil, observedAt: t0,
                figures: BalanceFigures(
                    unit: cny, availableBalance: try! FixedDecimal(parsing: "-3.5"),
                    creditLimit: try! FixedDecimal(parsing: "1000"), used: try! FixedDecimal(parsing: "0.0001")),
                details: .dmsCredit(
                    DMSCreditDetails(
                        availableAmount: nil, totalUsedLimit: try! FixedDecimal(parsing: "12"),
                        isUnlimitedCredit: false,
                        isExpired: true, settingCredit: "quote \" backslash \\ newline \n tab \t bell \u{07}",
                        creditMode: "月结", accountDays: 30, accountDaysText: "30 天\u{2028}x", creditEndTime: nil,
                        orgType: 2, isCheckedName: "是"))),
            BalanceObservation(
                account: .twccWallet(projectCode: "MST000001", walletCode: "W0001"), sourceModifiedAt: nil,
                observedAt: t0, figures: BalanceFigures(unit: try! MoneyUnit("SU"), totalAvailable: nil),
                details: .twccWallet(
                    TWCCWalletDetails(
                        projectName: "計畫 → one", walletName: nil, walletID: "w-1", walletType: "child", isMother: false,
                        ownerAccount: "u@example.com", ownerName: "王小明",
                        originalQuota: try! FixedDecimal(parsing: "10.0000"),
                        projectCreditQuota: nil, projectPocQuota: nil, projectSUQuota: try! FixedDecimal(parsing: "5"),
                        projectObtainedSU: nil))),
        ]
    }
}

@Suite("Canonical content")
struct ContentJSONTests {
    /// Written by the implementation that stored every content hash so far (commit 20c8183): a change to these
    /// bytes would make every stored version look changed on the next sync.
    static let golden: [(json: String, hash: String)] = [
        (
            #"{"unit":"CNY","available_balance":"42290.4900","credit_limit":null,"used":null,"frozen":null,"total_available":null,"overdue":null,"remote_id":7,"balance_type":"amount","enable_balance":true,"gmt_create":"2026-03-04T00:00:00Z","gmt_modified":"2026-03-04T00:00:00Z"}"#,
            "c858dc29f0562cfaa19831ba102f4092c18a257347dafa1b4ef34a52fb89b28b"
        ),
        (
            #"{"unit":"CNY","available_balance":"-3.5000","credit_limit":"1000.0000","used":"0.0001","frozen":null,"total_available":null,"overdue":null,"available_amount":null,"total_used_limit":"12.0000","is_unlimited_credit":false,"is_expired":true,"setting_credit":"quote \" backslash \\ newline \n tab \t bell \u0007","credit_mode":"月结","account_days":30,"account_days_text":"30 天\u2028x","credit_end_time":null,"org_type":2,"is_checked_name":"是"}"#,
            "b0b36f7e5bf94be0927611cc9cb724587c3cb58e297d8e0fa88016c8fd795b8d"
        ),
        (
            #"{"unit":"SU","available_balance":null,"credit_limit":null,"used":null,"frozen":null,"total_available":null,"overdue":null,"project_name":"計畫 → one","wallet_name":null,"wallet_id":"w-1","wallet_type":"child","is_mother":false,"owner_account":"u@example.com","owner_name":"王小明","original_quota":"10.0000","prj_credit_quota":null,"prj_poc_quota":null,"prj_su_quota":"5.0000","prj_obtained_su":null}"#,
            "37f92c5871c114bc6d9ab837436cab54e91137dbcf1c94da37a4a7556f0d9d85"
        ),
    ]

    @Test("Content is the same bytes, and hash, as the stored hashes were made from")
    func sameBytesAsBefore() throws {
        for (observation, expected) in zip(ContentSamples.all, Self.golden) {
            #expect(observation.contentJSON == expected.json)
            #expect(observation.contentHash == expected.hash)
            // And it is JSON that reads back.
            _ = try JSONValue.parse(observation.contentJSON)
        }
    }

    @Test("A string literal is escaped exactly where RFC 8259 needs it, with or without the whole-text path")
    func writeStringMatchesScalarEscaping() {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{00}", "\u{1F}", "\u{7F}",
            "é", "月", "→", "\u{2028}", "\u{2029}", "😀",
        ]
        var random = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(random.next() % 12) { text.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            var written = ""
            JSONValue.writeString(String(text), to: &written)
            #expect(written == Self.reference(String(text)), "\(String(text).debugDescription)")
        }
    }

    /// An independent escape, one scalar at a time.
    static func reference(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x2028, 0x2029, 0..<0x20: output += "\\u" + String(format4: scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension String {
    /// Four lowercase hex digits.
    fileprivate init(format4 value: UInt32) {
        let hex = String(value, radix: 16)
        self = String(repeating: "0", count: 4 - hex.count) + hex
    }
}
