import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import Testing

/// Thousands of mutated payloads per decoder: none may crash, and each is either decoded exactly (the amount read
/// equals an independent reading of the mutated document's token) or quarantined with a path and a reason.
@Suite("Decoder fuzzing")
struct DecoderFuzzTests {
    static let modelRouter = #"""
        {"requestId":"R","success":true,"errCode":"UNKNOWN_ERROR","errMessage":"未知错误","httpStatusCode":200,"data":{"id":1,"clientId":1001,"balance":100.25,"balanceType":"amount","enableBalance":true,"gmtCreate":"2024-01-01T00:00:00Z","gmtModified":"2024-01-02T00:00:00Z"}}
        """#
    static let dms = #"""
        {"errCode":1000,"errMsg":"请求成功","data":{"balance":"224.00","setting_credit":1,"is_unlimited_credit":"0","credit_limit":"999.00","freezing_amount":"0.00","used_limit":"0.00","available_amount":"999.00","total_available_amount":"1223.00","credit_mode":"1","account_days":"9 天","total_used_limit":0,"credit_end_time":"-","is_expired":0,"expired_limit":"0.00","org_type":2,"is_checked_name":"未认证"}}
        """#
    static let twcc = #"""
        {"project_sys_code":"MST123456","project_name":"計畫","wallet_code":"W0001","wallet_name":"母錢包","is_mother":"是","owner_account":"a@b.c","owner_name":"X","su_qouta":"12.3456","wallet_type":"mother","wallet_id":"83","original_quota":"10.0000","prj_credit_quota":"2.0000","prj_poc_quota":"0.3456","prj_su_quota":"10.0000","prj_obtained_su":"20.0000"}
        """#

    static func response(_ body: [UInt8]) -> SourceResponse {
        SourceResponse(
            status: 200, headers: [], body: body, receivedAt: Instant(secondsSinceEpoch: 1_700_000_000),
            method: "GET", redactedURL: "http://x/", action: nil)
    }

    /// What a mutation can do to a parsed document.
    enum Mutation: CaseIterable {
        case typeSwap, remove, hugeNumber, deepNesting, badUTF8, truncate, flipByte, duplicateKey, negative, manyDigits
    }

    static func mutate(_ text: String, _ mutation: Mutation, _ rng: inout SplitMix64) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard case .object(let root)? = try? JSONValue.parse(bytes) else { return bytes }
        func mutateValue(_ value: JSONValue) -> JSONValue {
            switch mutation {
            case .typeSwap:
                let choices: [JSONValue] = [
                    .bool(true), .null, .string("abc"), .number("1"), .array([]), .object(JSONObject([])),
                    .string("12.5"), .number("3.14159"),
                ]
                return choices[Int(rng.next() % UInt64(choices.count))]
            case .hugeNumber:
                return [
                    JSONValue.number("1e400"), .number("99999999999999999999999"), .string("922337203685477.5808"),
                    .number("-1e-400"),
                ][Int(rng.next() % 4)]
            case .deepNesting:
                var nested = value
                for _ in 0..<100 { nested = .array([nested]) }
                return nested
            case .negative:
                if case .number(let token) = value { return .number("-" + token) }
                if case .string(let text) = value { return .string("-" + text) }
                return value
            case .manyDigits:
                return .string("1." + String(repeating: "1", count: Int(rng.next() % 8) + 1))
            default: return value
            }
        }
        func mutateObject(_ object: JSONObject, depth: Int) -> JSONObject {
            var members = object.members
            guard !members.isEmpty else { return object }
            let index = Int(rng.next() % UInt64(members.count))
            if case .object(let inner) = members[index].value, depth == 0, rng.next() % 2 == 0 {
                members[index].value = .object(mutateObject(inner, depth: 1))
            } else if mutation == .remove {
                members.remove(at: index)
            } else if mutation == .duplicateKey {
                members.append(members[index])
            } else {
                members[index].value = mutateValue(members[index].value)
            }
            return JSONObject(members)
        }
        let mutated = Array(JSONValue.object(mutateObject(root, depth: 0)).jsonText.utf8)
        switch mutation {
        case .duplicateKey:
            // JSONObject would keep only one: splice a duplicate into the text instead.
            let text = String(decoding: mutated, as: UTF8.self)
            return Array(text.replacingOccurrences(of: "{\"", with: "{\"balance\":1,\"", options: [], range: nil).utf8)
        case .badUTF8:
            var broken = bytes
            broken.insert(contentsOf: [0xC3, 0x28], at: Int(rng.next() % UInt64(broken.count)))
            return broken
        case .truncate:
            return Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
        case .flipByte:
            var flipped = bytes
            flipped[Int(rng.next() % UInt64(flipped.count))] ^= UInt8(1 << (rng.next() % 8))
            return flipped
        default:
            return mutated
        }
    }

    /// The amount token of the mutated document, read independently of the decoder.
    static func independentAmount(_ bytes: [UInt8], path: [String]) -> FixedDecimal? {
        guard var value = try? JSONValue.parse(bytes) else { return nil }
        for key in path {
            guard case .object(let object) = value, let next = object[key] else { return nil }
            value = next
        }
        switch value {
        case .number(let text), .string(let text): return try? FixedDecimal(parsing: text)
        default: return nil
        }
    }

    func run(_ document: String, path: [String], decode: ([UInt8]) -> Verdict<BalanceObservation>) -> (Int, Int) {
        var rng = SplitMix64(seed: 0xF00D)
        var decoded = 0
        var quarantined = 0
        for round in 0..<3_000 {
            let mutation = Mutation.allCases[round % Mutation.allCases.count]
            let bytes = Self.mutate(document, mutation, &rng)
            switch decode(bytes) {
            case .value(let observation):
                decoded += 1
                #expect(
                    observation.figures.availableBalance == Self.independentAmount(bytes, path: path),
                    "\(mutation): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
            case .quarantine(let problem):
                quarantined += 1
                #expect(!problem.reason.isEmpty && !problem.path.isEmpty)
            case .failure(let error):
                // Only a well-formed error envelope may become a failure (success false, errCode ≠ 1000).
                #expect([.remote, .rateLimited].contains(error.kind), "\(mutation): \(error)")
            }
        }
        return (decoded, quarantined)
    }

    @Test("ModelRouter balance decoder")
    func modelRouterDecoder() throws {
        let cny = try MoneyUnit("CNY")
        let (decoded, quarantined) = run(Self.modelRouter, path: ["data", "balance"]) { bytes in
            ModelRouterDecoder.balance(Self.response(bytes), clientID: 1001, currency: cny, source: "mr")
        }
        #expect(decoded > 100)
        #expect(quarantined > 1_000)
    }

    @Test("DMS credit decoder")
    func dmsDecoder() throws {
        let cny = try MoneyUnit("CNY")
        let (decoded, quarantined) = run(Self.dms, path: ["data", "balance"]) { bytes in
            DMSCreditDecoder.credit(Self.response(bytes), orgID: 101, orgType: 2, currency: cny, source: "dms")
        }
        #expect(decoded > 100)
        #expect(quarantined > 1_000)
    }

    @Test("TWCC wallet decoder")
    func twccDecoder() {
        let (decoded, quarantined) = run(Self.twcc, path: ["su_qouta"]) { bytes in
            TWCCWalletDecoder.wallet(
                Self.response(bytes), projectCode: "MST123456", walletCode: "W0001", source: "twcc")
        }
        #expect(decoded > 100)
        #expect(quarantined > 1_000)
    }

    @Test("A TWCC wallet list keyed by something other than a number is quarantined at the root, even for the key \"\"")
    func walletListBadKey() {
        // Found by the twcc-wallets fuzz target: the quarantine's path was the bad key itself, empty for "".
        for body in [#"{"1":{"wallet_code":"W0000"},"":{"wallet_code":"W0001"}}"#, #"{"x":{"wallet_code":"W0000"}}"#] {
            guard
                case .quarantine(let problem) = TWCCWalletDecoder.walletList(
                    Self.response(Array(body.utf8)), projectCode: "MST123456", source: "twcc")
            else {
                Issue.record("\(body) was not quarantined")
                continue
            }
            #expect(problem.path == "$")
            #expect(problem.reason.contains("found key"))
        }
    }

    @Test("Zero with a huge exponent is exactly zero", arguments: ["0e22220", "-0.000E+9999", "0e-9999"])
    func zeroWithHugeExponent(token: String) throws {
        // Found by the twcc-wallet fuzz target (its oracle, Foundation's Decimal, cannot read 0e22220).
        let body = Self.twcc.replacingOccurrences(
            of: #""prj_obtained_su":"20.0000""#, with: "\"prj_obtained_su\":\(token)")
        guard
            case .value(let observation) = TWCCWalletDecoder.wallet(
                Self.response(Array(body.utf8)), projectCode: "MST123456", walletCode: "W0001", source: "twcc"),
            case .twccWallet(let details) = observation.details
        else {
            Issue.record("\(token) did not decode")
            return
        }
        #expect(details.projectObtainedSU == .zero)
    }
}

extension DecoderFuzzTests {
    @Test(
        "Of two spellings of one field, the one that holds a value is read, whichever comes first",
        arguments: [
            #""balanceBefore":null,"balance_before":"5.00""#, #""balance_before":null,"balanceBefore":5.00"#,
            #""balance_before":"5.00","balanceBefore":null"#,
        ])
    func spellingsWithANull(members: String) throws {
        // Found by the mr-logs fuzz target: the null spelling came first and the amount sent under the other was
        // dropped.
        let body = #"""
            {"requestId":"R","success":true,"data":{"list":[{"id":9001,"clientId":1001,"changeType":"recharge","changeAmount":"1.00",\#(members),"balanceAfter":"6.00","gmtCreate":"2024-01-01T00:00:00Z"}]}}
            """#
        guard
            case .value(let page) = ModelRouterDecoder.logPage(
                Self.response(Array(body.utf8)), clientID: 1001, source: "mr")
        else {
            Issue.record("\(members) did not decode")
            return
        }
        #expect(page.entries.map(\.balanceBefore) == [try FixedDecimal(parsing: "5.00")])
    }
}
