import Foundation
import LedgerCore
@testable import LedgerSources

/// The three sources' decoders. Every input either decodes, and then every amount it yields equals an independent
/// reading of the token it came from (Foundation's `Decimal`), or is quarantined with a path and a reason, or is a
/// failure the source reported. Nothing crashes, nothing is half-decoded.
enum DecoderFuzz {
    static let cny = try! MoneyUnit("CNY")

    static func response(_ body: [UInt8]) -> SourceResponse {
        SourceResponse(
            status: 200, headers: [], body: body, receivedAt: Instant(secondsSinceEpoch: 1_700_000_000),
            method: "GET", redactedURL: "http://fuzz.invalid/", action: nil)
    }

    /// The object at a path of keys, where the document has one.
    static func object(_ bytes: [UInt8], _ path: [String]) -> JSONObject? {
        guard var value = try? JSONValue.parse(bytes) else { return nil }
        for key in path {
            guard case .object(let object) = value, let next = object[key] else { return nil }
            value = next
        }
        guard case .object(let object) = value else { return nil }
        return object
    }

    /// Checks a decoded amount against the first of `keys` present in `object`: the token (a number, or a string
    /// holding one) read by Foundation's `Decimal` must equal the decoded value, and absent or null must decode
    /// to none.
    static func check(_ decoded: FixedDecimal?, _ object: JSONObject?, _ keys: [String], _ what: String) {
        let present = keys.lazy.compactMap { key -> JSONValue? in
            guard let value = object?[key], value != .null else { return nil }
            return value
        }.first
        guard let decoded else {
            require(present == nil, "\(what): a value was present but none was decoded")
            return
        }
        let token: String
        switch present {
        case .number(let text)?: token = text
        case .string(let text)?: token = text
        default: fail("\(what): decoded \(decoded) from \(String(describing: present))")
        }
        let posix = Locale(identifier: "en_US_POSIX")
        guard let ours = Decimal(string: decoded.description, locale: posix) else {
            fail("\(what): \(decoded) is not a decimal to Foundation")
        }
        if let independent = Decimal(string: token, locale: posix) {
            require(independent == ours, "\(what): token \(token.prefix(60)) decoded as \(decoded)")
        } else {
            // Foundation's Decimal holds exponents up to ±127 only: `0e22220` is beyond it, and is exactly 0 (found
            // by the twcc-wallet target). A mantissa of zeros is zero at any exponent; any other such token must
            // not have decoded.
            let mantissa = token.prefix { $0 != "e" && $0 != "E" }
            require(
                mantissa.allSatisfy { "-0.".contains($0) } && decoded == .zero,
                "\(what): token \(token.prefix(60)), beyond Foundation's Decimal, decoded as \(decoded)")
        }
        // The canonical text reads back to the same value.
        require((try? FixedDecimal(parsing: decoded.description)) == decoded, "\(what): \(decoded) does not round-trip")
    }

    /// A quarantine must say where and why.
    static func checkProblem(_ problem: DecodingProblem) {
        require(!problem.path.isEmpty && !problem.reason.isEmpty, "a quarantine without a path or a reason")
    }

    static func modelRouterBalance(_ bytes: [UInt8]) {
        switch ModelRouterDecoder.balance(response(bytes), clientID: 1001, currency: cny, source: "fuzz") {
        case .value(let observation):
            check(observation.figures.availableBalance, object(bytes, ["data"]), ["balance"], "balance")
            require(observation.account == .modelRouter(clientID: 1001), "decoded another client")
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }

    static func modelRouterClients(_ bytes: [UInt8]) {
        switch ModelRouterDecoder.clientPage(response(bytes), source: "fuzz") {
        case .value(let page):
            // Every listed element decoded into one client.
            let list = object(bytes, []).flatMap { root -> [JSONValue]? in
                guard case .object(let data)? = root["data"] else { return nil }
                if case .array(let elements)? = data["list"] ?? data["clients"] { return elements }
                return nil
            }
            require(
                list?.count == page.clients.count, "\(page.clients.count) clients from a list of \(list?.count ?? -1)")
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }

    static func modelRouterLogs(_ bytes: [UInt8]) {
        switch ModelRouterDecoder.logPage(response(bytes), clientID: 1001, source: "fuzz") {
        case .value(let page):
            guard case .array(let list)? = object(bytes, ["data"])?["list"] else { fail("entries without a list") }
            require(list.count == page.entries.count, "\(page.entries.count) entries from a list of \(list.count)")
            for (element, entry) in zip(list, page.entries) {
                guard case .object(let item) = element else { fail("an entry from a non-object") }
                check(entry.changeAmount, item, ["changeAmount", "change_amount"], "changeAmount")
                check(entry.balanceBefore, item, ["balanceBefore", "balance_before"], "balanceBefore")
                check(entry.balanceAfter, item, ["balanceAfter", "balance_after"], "balanceAfter")
            }
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }

    static func dmsCredit(_ bytes: [UInt8]) {
        switch DMSCreditDecoder.credit(response(bytes), orgID: 101, orgType: 2, currency: cny, source: "fuzz") {
        case .value(let observation):
            let data = object(bytes, ["data"])
            let f = observation.figures
            check(f.availableBalance, data, ["balance"], "balance")
            check(f.creditLimit, data, ["credit_limit"], "credit_limit")
            check(f.used, data, ["used_limit"], "used_limit")
            check(f.frozen, data, ["freezing_amount"], "freezing_amount")
            check(f.totalAvailable, data, ["total_available_amount"], "total_available_amount")
            check(f.overdue, data, ["expired_limit"], "expired_limit")
            guard case .dmsCredit(let d) = observation.details else { fail("DMS details of another kind") }
            check(d.availableAmount, data, ["available_amount"], "available_amount")
            check(d.totalUsedLimit, data, ["total_used_limit"], "total_used_limit")
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }

    static func twccWallet(_ bytes: [UInt8]) {
        switch TWCCWalletDecoder.wallet(response(bytes), projectCode: "MST123456", walletCode: "W0001", source: "fuzz")
        {
        case .value(let observation):
            let root = object(bytes, [])
            check(observation.figures.availableBalance, root, ["su_qouta", "su_quota"], "su_qouta")
            guard case .twccWallet(let d) = observation.details else { fail("TWCC details of another kind") }
            check(d.originalQuota, root, ["original_quota"], "original_quota")
            check(d.projectCreditQuota, root, ["prj_credit_quota"], "prj_credit_quota")
            check(d.projectPocQuota, root, ["prj_poc_quota"], "prj_poc_quota")
            check(d.projectSUQuota, root, ["prj_su_quota"], "prj_su_quota")
            check(d.projectObtainedSU, root, ["prj_obtained_su"], "prj_obtained_su")
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }

    static func twccWallets(_ bytes: [UInt8]) {
        switch TWCCWalletDecoder.walletList(response(bytes), projectCode: "MST123456", source: "fuzz") {
        case .value(let wallets):
            let count: Int? =
                switch try? JSONValue.parse(bytes) {
                case .object(let object)?: object.members.count
                case .array(let elements)?: elements.count
                default: nil
                }
            require(count == wallets.count, "\(wallets.count) wallets from \(count ?? -1) entries")
        case .quarantine(let problem): checkProblem(problem)
        case .failure: break
        }
    }
}
