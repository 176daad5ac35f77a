import LedgerCore

/// Decodes the DMS customer-credit response: `{errCode, errMsg, data}`, success when errCode is 1000, amounts as
/// strings or numbers, localized day counts ("9 天"), "-" for no date.
public enum DMSCreditDecoder {
    static func credit(
        _ response: SourceResponse, orgID: Int64, orgType: Int64, currency: MoneyUnit, source: String
    ) -> Verdict<BalanceObservation> {
        let target = "org \(orgID) (type \(orgType))"
        let root: FieldReader
        switch FieldReader.body(of: response, source: source, target: target) {
        case .value(let reader): root = reader
        case .quarantine(let problem): return .quarantine(problem)
        case .failure(let error): return .failure(error)
        }
        let code = (try? root.optionalText("errCode", "err_code", "code")) ?? nil
        let message = (try? root.optionalText("errMsg", "err_msg", "message")) ?? nil
        guard (200..<300).contains(response.status) else {
            return .failure(
                .forStatus(
                    response, source: source, target: target, remoteCode: code, message: message, requestID: nil))
        }
        guard let code else { return .quarantine(root.missing(["errCode"])) }
        guard code == "1000" else {
            return .failure(
                SourceError(
                    kind: .remote, source: source, target: target, httpStatus: response.status, remoteCode: code,
                    message: message ?? "errCode \(code)", retryable: false, attempts: response.attempts))
        }
        do throws(DecodingProblem) {
            let data = try root.object("data")
            if let reportedType = try data.optionalInt64("org_type"), reportedType != orgType {
                throw data.problem("org_type", "the payload is for org_type \(reportedType), not \(orgType)")
            }
            let daysText = try data.optionalString("account_days")
            let endTime = try data.optionalText("credit_end_time")
            let details = DMSCreditDetails(
                availableAmount: try data.amount("available_amount"),
                totalUsedLimit: try data.optionalAmount("total_used_limit"),
                isUnlimitedCredit: try data.flag("is_unlimited_credit"),
                isExpired: try data.optionalFlag("is_expired") ?? false,
                settingCredit: try data.optionalText("setting_credit"),
                creditMode: try data.optionalText("credit_mode"),
                accountDays: daysText.flatMap(Self.days),
                accountDaysText: daysText,
                creditEndTime: endTime == "-" || endTime?.isEmpty == true ? nil : endTime,
                orgType: try data.optionalInt64("org_type"),
                isCheckedName: try data.optionalString("is_checked_name"))
            let figures = BalanceFigures(
                unit: currency,
                availableBalance: try data.amount("balance"),
                creditLimit: try data.amount("credit_limit"),
                used: try data.amount("used_limit"),
                frozen: try data.amount("freezing_amount"),
                totalAvailable: try data.amount("total_available_amount"),
                overdue: try data.optionalAmount("expired_limit"))
            return .value(
                BalanceObservation(
                    account: .dmsCredit(orgID: orgID, orgType: orgType), sourceModifiedAt: nil,
                    observedAt: response.observedAt, figures: figures, details: .dmsCredit(details)))
        } catch {
            return .quarantine(error)
        }
    }

    /// Reads a payment term such as `9 天`, `30天`, `15 days` or `7`; `nil` for `-`, empty or anything else
    /// (the text itself is always kept beside it).
    static func days(_ text: String) -> Int? {
        var rest = Substring(text.trimmingSpaces)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6, let value = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        let unit = String(rest).trimmingSpaces
        return ["", "天", "日", "day", "days"].contains(unit) ? value : nil
    }
}
