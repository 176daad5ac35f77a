import LedgerCore

/// The payloads of the three APIs, built from the world's state, with content faults applied.
extension Simulator {
    /// An amount held in ten-thousandths (DMS and TWCC figures), with at least `digits` fractional digits.
    static func amount(_ scaled: Int64, digits: Int) -> String {
        FixedDecimal(units: scaled, scale: 4).formatted(minimumFractionDigits: digits)
    }

    /// An amount held in billionths (ModelRouter figures), with at least `digits` fractional digits.
    static func amount(nanos: Int128, digits: Int) -> String {
        // The world only holds balances it was given as FixedDecimal values or built from small integers.
        (try! FixedDecimal(nanos: nanos)).formatted(minimumFractionDigits: digits)
    }

    /// DMS's `credit_end_time`: `YYYY-MM-DD HH:MM:SS`, or "-" when the credit line does not end.
    static func creditEndText(_ end: Instant?) -> String {
        guard let end else { return "-" }
        return end.iso8601.prefix(10) + " 00:00:00"
    }

    static func string(_ text: String) -> String {
        var output = ""
        JSONValue.writeString(text, to: &output)
        return output
    }

    func modelRouterNotFound() -> SimAnswer { errorAnswer(.modelRouter, status: 404) }

    func modelRouterBalance(id: String, rule: FaultRule?) -> SimAnswer {
        guard let clientID = Int64(id), let client = world.client(clientID), !client.deleted else {
            return modelRouterNotFound()
        }
        var balance = client.balance
        var modified = client.gmtModified
        switch rule?.kind {
        case .staleGmtModified?:
            if let previous = client.previous { (balance, modified) = (previous.balance, previous.gmtModified) }
        case .sameTimestampDifferentContent?:
            balance += 10_000 * SimulatorWorld.nanosPerE4
        case .clockSkew?:
            modified = clock.now().adding(seconds: 86_400)
        default: break
        }
        let digits = client.balanceType == "tokens" ? 0 : 2
        let balanceText =
            switch rule?.kind {
            case .wrongTypes?: "true"
            case .literalAmount?: rule?.amount ?? "0"
            default: Self.amount(nanos: balance, digits: digits)
            }
        // Alibaba Cloud names each request in the body and in the x-acs-request-id header.
        let requestID = requestID()
        return SimAnswer(
            status: 200,
            body: """
                {"requestId":"\(requestID)","success":true,"errCode":"UNKNOWN_ERROR","errMessage":"未知错误",\
                "httpStatusCode":200,"data":{"id":\(client.id - 1000),"clientId":\(client.id),"balance":\(balanceText),\
                "balanceType":"\(client.balanceType)","enableBalance":true,"gmtCreate":"\(client.gmtCreate.iso8601)",\
                "gmtModified":"\(modified.iso8601)"}}
                """, headers: [("x-acs-request-id", requestID)])
    }

    /// The page size a list request asks for. The service pages two ways: by token (`maxResults` and
    /// `nextToken`) and by index (`pageIndex`/`page` and `pageSize`/`size`); `maxResults` counts whichever way
    /// the request pages, the index style's size when it is alone, 20 when neither is given; at most 100.
    static func pageSize(_ query: [String: String], sizeKey: String) -> Int {
        min(100, max(1, Int(query["maxResults"] ?? "") ?? Int(query[sizeKey] ?? "") ?? 20))
    }

    func modelRouterClients(query: [String: String], rule: FaultRule?) -> SimAnswer {
        let pageSize = Self.pageSize(query, sizeKey: "pageSize")
        // The page is the one after the token's, when a token is given (tokens are "p<page>").
        var page = max(1, Int(query["pageIndex"] ?? "") ?? 1)
        if let token = query["nextToken"], token.hasPrefix("p"), let fromToken = Int(token.dropFirst()) {
            page = fromToken
        }
        var start = (page - 1) * pageSize
        if rule?.kind == .shiftedPages, page > 1 { start = max(0, start - (rule?.entries ?? 3)) }
        let (found, count) = world.clientPage(start: start, count: pageSize)
        var slice = found
        var total: String? = String(count)
        var nextToken: String? = start + pageSize < count ? "p\(page + 1)" : nil
        switch rule?.kind {
        case .repeatedNextToken?: nextToken = "p2"
        case .endlessEmptyPages?:
            if page > 1 { slice = [] }
            nextToken = "p\(page + 1)"
            total = nil
        case .totalNeverReached?: total = String(count + 10)
        default: break
        }
        let list = slice.map { client in
            """
            {"id":\(client.id),"name":\(Self.string(client.name)),"parentId":\(client.parentID.map(String.init) ?? "null"),\
            "level":\(client.parentID == nil ? 1 : 2),"nodeType":"department","deleteTag":0,\
            "gmtCreate":"\(client.gmtCreate.iso8601)","gmtModified":"\(client.gmtModified.iso8601)"}
            """
        }
        let listText = rule?.kind == .wrongTypes ? "\"not a list\"" : "[\(list.joined(separator: ","))]"
        // Alibaba Cloud names each request in the body and in the x-acs-request-id header.
        let requestID = requestID()
        return SimAnswer(
            status: 200,
            body: """
                {"requestId":"\(requestID)","success":true,"httpStatusCode":200,"data":{"list":\(listText),\
                "total":\(total ?? "null"),"page":\(page),"pageSize":\(pageSize),"maxResults":"\(pageSize)",\
                "nextToken":\(nextToken.map { "\"\($0)\"" } ?? "null")}}
                """, headers: [("x-acs-request-id", requestID)])
    }

    func modelRouterLogs(id: String, query: [String: String], rule: FaultRule?) -> SimAnswer {
        guard let clientID = Int64(id), let client = world.client(clientID) else { return modelRouterNotFound() }
        let pageSize = Self.pageSize(query, sizeKey: "size")
        var page = max(1, Int(query["page"] ?? "") ?? 1)
        if let token = query["nextToken"], token.hasPrefix("p"), let fromToken = Int(token.dropFirst()) {
            page = fromToken
        }
        var filtered = client.logs.filter { query["changeType"] == nil || $0.changeType == query["changeType"] }
        if rule?.kind == .droppedLogEntry, !filtered.isEmpty { filtered.removeLast() }
        let start = (page - 1) * pageSize
        let slice = start < filtered.count ? Array(filtered[start..<min(filtered.count, start + pageSize)]) : []
        var nextToken: String? = start + pageSize < filtered.count ? "p\(page + 1)" : nil
        if rule?.kind == .repeatedNextToken { nextToken = "p2" }
        let digits = client.balanceType == "tokens" ? 0 : 2
        let list = slice.map { log in
            """
            {"id":\(log.id),"clientId":\(client.id),"changeType":"\(log.changeType)",\
            "changeAmount":\(Self.amount(nanos: log.amount, digits: digits)),"balanceBefore":\(Self.amount(nanos: log.before, digits: digits)),\
            "balanceAfter":\(Self.amount(nanos: log.after, digits: digits)),"remark":null,"gmtCreate":"\(log.gmtCreate.iso8601)"}
            """
        }
        // Alibaba Cloud names each request in the body and in the x-acs-request-id header.
        let requestID = requestID()
        return SimAnswer(
            status: 200,
            body: """
                {"requestId":"\(requestID)","success":true,"httpStatusCode":200,"data":{"list":[\(list.joined(separator: ","))],\
                "page":\(page),"pageSize":\(pageSize),"total":\(filtered.count),"maxResults":\(pageSize),\
                "nextToken":\(nextToken.map { "\"\($0)\"" } ?? "null")}}
                """, headers: [("x-acs-request-id", requestID)])
    }

    func dmsCredit(query: [String: String], rule: FaultRule?) -> SimAnswer {
        guard query["app_mark"] == "1", let orgID = query["org_id"].flatMap(Int64.init), query["org_type"] == "2",
            let org = world.org(orgID)
        else {
            return SimAnswer(status: 200, body: #"{"errCode":2001,"errMsg":"客户不存在","data":null}"#)
        }
        // Half the customers send amounts as numbers, as the API is seen to do for some fields.
        let asNumbers = orgID % 2 == 0
        func money(_ scaled: Int64) -> String {
            asNumbers ? Self.amount(scaled, digits: 2) : "\"\(Self.amount(scaled, digits: 2))\""
        }
        let balance = rule?.kind == .wrongTypes ? "{\"value\":1}" : money(org.balance)
        return SimAnswer(
            status: 200,
            body: """
                {"errCode":1000,"errMsg":"请求成功","data":{"balance":\(balance),"setting_credit":1,\
                "is_unlimited_credit":"\(org.unlimited ? 1 : 0)","credit_limit":\(money(org.creditLimit)),\
                "freezing_amount":\(money(org.frozen)),"used_limit":\(money(org.used)),\
                "available_amount":\(money(org.available)),"total_available_amount":\(money(org.balance + org.available + (rule?.kind == .inconsistentTotals ? 10_000 : 0))),\
                "credit_mode":"1","account_days":"\(org.accountDays) 天","total_used_limit":\(Self.amount(org.used, digits: 2)),\
                "credit_end_time":"\(Self.creditEndText(org.creditEnd))","is_expired":0,"expired_limit":"0.00","org_type":2,\
                "is_checked_name":"\(org.verified ? "已认证" : "未认证")"}}
                """)
    }

    func twccWalletList(project: String, rule: FaultRule?) -> SimAnswer {
        guard let wallets = world.projectWallets(project) else {
            return Self.twccError(404, 2001, "No data found.")
        }
        let entries = wallets.enumerated().map { index, wallet in
            """
            "\(index + 1)":{"wallet_code":"\(wallet.code)","wallet_name":\(Self.string(wallet.name)),\
            "wallet_uuid":"uuid-\(wallet.walletID)","wallet_desc":"","prj_start_date":"2026-01-01",\
            "prj_end_date":"2026-12-31","obtained_su":"\(Self.amount(wallet.obtained, digits: 4))",\
            "used_su":"\(Self.amount(wallet.obtained - wallet.suQuota, digits: 4))"}
            """
        }
        return SimAnswer(status: 200, body: "{\(entries.joined(separator: ","))}")
    }

    func twccWallet(project: String, code: String, rule: FaultRule?) -> SimAnswer {
        guard let wallet = world.wallet(project: project, code: code) else {
            return Self.twccError(404, 2001, "No data found.")
        }
        let quota = rule?.kind == .wrongTypes ? "true" : "\"\(Self.amount(wallet.suQuota, digits: 4))\""
        return SimAnswer(
            status: 200,
            body: """
                {"project_sys_code":"\(project)","project_name":"模擬計畫\(project)","wallet_code":"\(wallet.code)",\
                "wallet_name":\(Self.string(wallet.name)),"is_mother":"\(wallet.isMother ? "是" : "否")",\
                "owner_account":"owner@example.org","owner_name":"王小明","su_qouta":\(quota),\
                "wallet_type":"\(wallet.isMother ? "mother" : "child")","wallet_id":"\(wallet.walletID)",\
                "original_quota":"\(Self.amount(wallet.original, digits: 4))","prj_credit_quota":"\(Self.amount(wallet.credit, digits: 4))",\
                "prj_poc_quota":"\(Self.amount(wallet.poc, digits: 4))","prj_su_quota":"\(Self.amount(wallet.projectSU, digits: 4))",\
                "prj_obtained_su":"\(Self.amount(wallet.obtained, digits: 4))"}
                """)
    }
}
