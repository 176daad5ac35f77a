import LedgerCore

/// Decodes ModelRouter (AiContent 20240611) responses: the `{requestId, success, errCode, errMessage, data}`
/// envelope, gateway errors `{Code, Message, RequestId}`, and the DTOs in camelCase or snake_case.
public enum ModelRouterDecoder {
    /// One page of the client list.
    public struct ClientPage: Sendable, Hashable {
        /// The clients on the page.
        public var clients: [ModelRouterClient]
        /// The total the API claims, if it sends one.
        public var total: Int64?
        /// The token of the next page; `nil` or empty on the last.
        public var nextToken: String?
    }

    /// One page of a client's balance log.
    public struct LogPage: Sendable, Hashable {
        /// The entries on the page.
        public var entries: [BalanceLogEntry]
        /// The total the API claims, if it sends one.
        public var total: Int64?
        /// The token of the next page; `nil` or empty on the last.
        public var nextToken: String?
    }

    /// Reads the envelope: the `data` reader on success, a failure for an error answer, or a problem.
    static func envelope(_ response: SourceResponse, source: String, target: String) -> Verdict<(FieldReader, String?)>
    {
        let root: FieldReader
        switch FieldReader.body(of: response, source: source, target: target) {
        case .value(let reader): root = reader
        case .quarantine(let problem): return .quarantine(problem)
        case .failure(let error): return .failure(error)
        }
        let requestID = (try? root.optionalText("requestId", "RequestId", "request_id")) ?? nil
        let code = (try? root.optionalText("errCode", "Code", "code", "err_code")) ?? nil
        let message = (try? root.optionalText("errMessage", "Message", "message", "err_message")) ?? nil
        guard (200..<300).contains(response.status) else {
            var failure = SourceError.forStatus(
                response, source: source, target: target, remoteCode: code, message: message, requestID: requestID)
            if let code, code.hasPrefix("Throttling") {
                failure.kind = .rateLimited
                failure.retryable = true
            } else if let code,
                code.hasPrefix("InvalidAccessKeyId") || code.hasPrefix("SignatureDoesNotMatch")
                    || code.hasPrefix("IncompleteSignature") || code.hasPrefix("InvalidTimeStamp")
            {
                failure.kind = .authentication
            }
            return .failure(failure)
        }
        let success: Bool
        do throws(DecodingProblem) {
            guard let flag = try root.optionalFlag("success") else {
                return .quarantine(root.missing(["success"]))
            }
            success = flag
        } catch {
            return .quarantine(error)
        }
        guard success else {
            let throttled = code?.hasPrefix("Throttling") == true
            return .failure(
                SourceError(
                    kind: throttled ? .rateLimited : .remote, source: source, target: target,
                    httpStatus: response.status, remoteCode: code, message: message ?? "success is false",
                    requestID: requestID, retryable: throttled, attempts: response.attempts))
        }
        do throws(DecodingProblem) {
            return .value((try root.object("data"), requestID))
        } catch {
            return .quarantine(error)
        }
    }

    /// Decodes a `GET /clients/{id}/balance` response.
    ///
    /// - Parameters:
    ///   - response: The response as received.
    ///   - clientID: The client asked for; a payload about another client is quarantined.
    ///   - currency: The unit of `balanceType: amount` balances.
    ///   - source: The source instance's name, for errors.
    static func balance(
        _ response: SourceResponse, clientID: Int64, currency: MoneyUnit, source: String
    )
        -> Verdict<BalanceObservation>
    {
        let target = "client \(clientID)"
        let data: FieldReader
        switch envelope(response, source: source, target: target) {
        case .failure(let error): return .failure(error)
        case .quarantine(let problem): return .quarantine(problem)
        case .value(let (reader, _)): data = reader
        }
        do throws(DecodingProblem) {
            let reported = try data.int64("clientId", "client_id")
            guard reported == clientID else {
                return .quarantine(data.problem("clientId", "the payload is for client \(reported), not \(clientID)"))
            }
            let balance = try data.amount("balance")
            let balanceType = try data.string("balanceType", "balance_type")
            let unit: MoneyUnit
            switch balanceType {
            case "amount": unit = currency
            case "tokens": unit = .tokens
            default:
                return .quarantine(
                    data.problem(
                        "balanceType", "expected \"amount\" or \"tokens\", found \"\(balanceType.prefix(40))\""))
            }
            let gmtModified = try data.optionalInstant("gmtModified", "gmt_modified")
            let details = ModelRouterBalanceDetails(
                remoteID: try data.optionalInt64("id"), balanceType: balanceType,
                enableBalance: try data.optionalFlag("enableBalance", "enable_balance"),
                gmtCreate: try data.optionalInstant("gmtCreate", "gmt_create"), gmtModified: gmtModified)
            return .value(
                BalanceObservation(
                    account: .modelRouter(clientID: clientID), sourceModifiedAt: gmtModified,
                    observedAt: response.observedAt, figures: BalanceFigures(unit: unit, availableBalance: balance),
                    details: .modelRouter(details)))
        } catch {
            return .quarantine(error)
        }
    }

    /// Decodes one page of `GET /clients`.
    static func clientPage(_ response: SourceResponse, source: String) -> Verdict<ClientPage> {
        let data: FieldReader
        switch envelope(response, source: source, target: "client list") {
        case .failure(let error): return .failure(error)
        case .quarantine(let problem): return .quarantine(problem)
        case .value(let (reader, _)): data = reader
        }
        do throws(DecodingProblem) {
            let list = try data.array("list", "clients")
            var clients: [ModelRouterClient] = []
            for (index, element) in list.elements.enumerated() {
                guard case .object(let object) = element else {
                    throw DecodingProblem(
                        path: "\(list.path)[\(index)]", reason: "expected an object, found \(element.typeName)")
                }
                let item = FieldReader(object, path: "\(list.path)[\(index)]")
                clients.append(
                    ModelRouterClient(
                        id: try item.int64("id", "clientId", "client_id"), name: try item.optionalString("name"),
                        parentID: try item.optionalInt64("parentId", "parent_id"),
                        deleted: try item.optionalFlag("deleteTag", "delete_tag") ?? false))
            }
            let nextToken = try data.optionalText("nextToken", "next_token")
            return .value(
                ClientPage(
                    clients: clients, total: try data.optionalInt64("total", "totalCount", "total_count"),
                    nextToken: nextToken?.isEmpty == true ? nil : nextToken))
        } catch {
            return .quarantine(error)
        }
    }

    /// Decodes one page of `GET /clients/{id}/balance/logs`.
    static func logPage(_ response: SourceResponse, clientID: Int64, source: String) -> Verdict<LogPage> {
        let data: FieldReader
        switch envelope(response, source: source, target: "balance log of client \(clientID)") {
        case .failure(let error): return .failure(error)
        case .quarantine(let problem): return .quarantine(problem)
        case .value(let (reader, _)): data = reader
        }
        do throws(DecodingProblem) {
            let list = try data.array("list")
            var entries: [BalanceLogEntry] = []
            for (index, element) in list.elements.enumerated() {
                guard case .object(let object) = element else {
                    throw DecodingProblem(
                        path: "\(list.path)[\(index)]", reason: "expected an object, found \(element.typeName)")
                }
                let item = FieldReader(object, path: "\(list.path)[\(index)]")
                let owner = try item.optionalInt64("clientId", "client_id") ?? clientID
                guard owner == clientID else {
                    throw item.problem("clientId", "the entry is for client \(owner), not \(clientID)")
                }
                guard let created = try item.optionalInstant("gmtCreate", "gmt_create") else {
                    throw item.missing(["gmtCreate", "gmt_create"])
                }
                entries.append(
                    BalanceLogEntry(
                        remoteID: try item.int64("id"), clientID: clientID,
                        changeType: try item.string("changeType", "change_type"),
                        changeAmount: try item.amount("changeAmount", "change_amount"),
                        balanceBefore: try item.optionalAmount("balanceBefore", "balance_before"),
                        balanceAfter: try item.optionalAmount("balanceAfter", "balance_after"),
                        remark: try item.optionalString("remark"), gmtCreate: created))
            }
            let nextToken = try data.optionalText("nextToken", "next_token")
            return .value(
                LogPage(
                    entries: entries, total: try data.optionalInt64("total"),
                    nextToken: nextToken?.isEmpty == true ? nil : nextToken))
        } catch {
            return .quarantine(error)
        }
    }
}

/// A ModelRouter client (department) from the client list.
public struct ModelRouterClient: Sendable, Hashable {
    /// The client (department) id.
    public var id: Int64
    /// Its name (a remote string).
    public var name: String?
    /// Its parent department, if any.
    public var parentID: Int64?
    /// `deleteTag` set: the client is deleted at the source.
    public var deleted: Bool
}
