import LedgerCore

/// Decodes TWCC wallet responses: every field a string, amounts with 4 decimals, `su_qouta` (misspelled by the
/// API; `su_quota` accepted too), `is_mother` 是/否; errors `{errors:[{code,message}]}`, plain-text 404s and the
/// gateway's `{message}`.
public enum TWCCWalletDecoder {
    /// A wallet listed by a project's wallet list.
    public struct ListedWallet: Sendable, Hashable {
        /// The wallet's code (the list's key).
        public var walletCode: String
        /// Its name, if listed.
        public var walletName: String?
    }

    /// The error for a non-2xx TWCC response.
    static func failure(_ response: SourceResponse, source: String, target: String) -> SourceError {
        var code: String?
        var message: String?
        if let root = try? FieldReader.document(response.body) {
            if let errors = try? root.array("errors"), case .object(let first)? = errors.elements.first {
                let item = FieldReader(first, path: "errors[0]")
                code = (try? item.optionalText("code")) ?? nil
                message = (try? item.optionalText("message")) ?? nil
            } else {
                message = (try? root.optionalText("message", "detail")) ?? nil
            }
        } else if !response.body.isEmpty {
            message = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingSpaces
        }
        var error = SourceError.forStatus(
            response, source: source, target: target, remoteCode: code, message: message, requestID: nil)
        if message?.contains("Key is expired") == true || code == "89" { error.kind = .authentication }
        return error
    }

    static func wallet(
        _ response: SourceResponse, projectCode: String, walletCode: String, source: String
    ) -> Verdict<BalanceObservation> {
        let target = "wallet \(projectCode)/\(walletCode)"
        guard (200..<300).contains(response.status) else {
            return .failure(failure(response, source: source, target: target))
        }
        do throws(DecodingProblem) {
            let data = try FieldReader.document(response.body)
            let reportedWallet = try data.string("wallet_code")
            guard reportedWallet == walletCode else {
                throw data.problem("wallet_code", "the payload is for wallet \(reportedWallet), not \(walletCode)")
            }
            if let reportedProject = try data.optionalString("project_sys_code", "prj_sys_code"),
                reportedProject != projectCode
            {
                throw data.problem(
                    "project_sys_code", "the payload is for project \(reportedProject), not \(projectCode)")
            }
            let isMother: Bool?
            switch try data.optionalString("is_mother") {
            case nil: isMother = nil
            case "是"?: isMother = true
            case "否"?: isMother = false
            case let other?: throw data.problem("is_mother", "expected \"是\" or \"否\", found \"\(other.prefix(20))\"")
            }
            let projectCredit = try data.optionalAmount("prj_credit_quota")
            let details = TWCCWalletDetails(
                projectName: try data.optionalString("project_name"),
                walletName: try data.optionalString("wallet_name"),
                walletID: try data.optionalText("wallet_id"),
                walletType: try data.optionalString("wallet_type"),
                isMother: isMother,
                ownerAccount: try data.optionalString("owner_account"),
                ownerName: try data.optionalString("owner_name"),
                originalQuota: try data.optionalAmount("original_quota"),
                projectCreditQuota: projectCredit,
                projectPocQuota: try data.optionalAmount("prj_poc_quota"),
                projectSUQuota: try data.optionalAmount("prj_su_quota"),
                projectObtainedSU: try data.optionalAmount("prj_obtained_su"))
            let figures = BalanceFigures(
                unit: .serviceUnits, availableBalance: try data.amount("su_qouta", "su_quota"),
                creditLimit: projectCredit)
            return .value(
                BalanceObservation(
                    account: .twccWallet(projectCode: projectCode, walletCode: walletCode),
                    displayName: details.walletName, sourceModifiedAt: nil, observedAt: response.observedAt,
                    figures: figures, details: .twccWallet(details)))
        } catch {
            return .quarantine(error)
        }
    }

    /// Decodes a project's wallet list: an object keyed "1", "2", … (an array is accepted too).
    static func walletList(
        _ response: SourceResponse, projectCode: String, source: String
    )
        -> Verdict<[ListedWallet]>
    {
        guard (200..<300).contains(response.status) else {
            return .failure(failure(response, source: source, target: "wallet list of project \(projectCode)"))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(response.body)
        } catch {
            return .quarantine(DecodingProblem(path: "$", reason: error.description))
        }
        var entries: [(position: Int, path: String, value: JSONValue)] = []
        switch value {
        case .object(let object):
            for member in object.members {
                guard let position = Int(member.key) else {
                    // The problem is the root object's key: its path is the root, whatever the key (even "").
                    return .quarantine(
                        DecodingProblem(
                            path: "$",
                            reason: "expected wallets keyed \"1\", \"2\", …, found key \"\(member.key.prefix(40))\""))
                }
                entries.append((position, member.key, member.value))
            }
        case .array(let elements):
            entries = elements.enumerated().map { ($0.offset + 1, "[\($0.offset)]", $0.element) }
        default:
            return .quarantine(
                DecodingProblem(path: "$", reason: "expected an object of wallets, found \(value.typeName)"))
        }
        do throws(DecodingProblem) {
            var wallets: [ListedWallet] = []
            for entry in entries.sorted(by: { $0.position < $1.position }) {
                guard case .object(let object) = entry.value else {
                    throw DecodingProblem(path: entry.path, reason: "expected an object, found \(entry.value.typeName)")
                }
                let item = FieldReader(object, path: entry.path)
                wallets.append(
                    ListedWallet(
                        walletCode: try item.string("wallet_code"), walletName: try item.optionalString("wallet_name")))
            }
            return .value(wallets)
        } catch {
            return .quarantine(error)
        }
    }
}
