import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerSources

/// An answer before faults that change transport are applied.
struct SimAnswer {
    var status: Int
    var body: String
    var headers: [(String, String)] = []
    var contentType = "application/json;charset=utf-8"
}

struct SimulatedDrop: Error {}

extension Simulator {
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let root = "/api/v1/modelRouter/open"
        router.get("\(root)/clients/:id/balance") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(.modelRouter, target: id, request: request, signed: true) { rule in
                self.modelRouterBalance(id: id, rule: rule)
            }
        }
        router.get("\(root)/clients") { request, _ in
            try await self.serve(.modelRouter, target: "list", request: request, signed: true) { rule in
                self.modelRouterClients(query: Self.query(request), rule: rule)
            }
        }
        router.get("\(root)/clients/:id/balance/logs") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(.modelRouter, target: "logs:\(id)", request: request, signed: true) { rule in
                self.modelRouterLogs(id: id, query: Self.query(request), rule: rule)
            }
        }
        router.get("/dms/purchase/app-credit") { request, _ in
            let query = Self.query(request)
            let target = "\(query["org_id"] ?? ""):\(query["org_type"] ?? "")"
            return try await self.serve(.dmsCredit, target: target, request: request, signed: false) { rule in
                self.dmsCredit(query: query, rule: rule)
            }
        }
        router.get("/api/token") { request, _ in
            try await self.serve(.twccWallet, target: "token", request: request, signed: false) { _ in
                let headers = Self.headers(request)
                guard
                    let token = self.auth.issueTWCCToken(
                        account: headers.first { $0.name == "account" }?.value,
                        password: headers.first { $0.name == "password" }?.value)
                else { return Self.twccError(401, 89, "Invalid or expired token. Try to get a new one.") }
                return SimAnswer(status: 200, body: #"{"token":"\#(token)"}"#)
            }
        }
        router.get("/api/projects/:project/wallets") { request, context in
            let project = context.parameters.get("project") ?? ""
            return try await self.serve(.twccWallet, target: "list:\(project)", request: request, signed: false) {
                rule in
                self.twccWalletList(project: project, rule: rule)
            }
        }
        router.get("/api/projects/:project/wallets/:wallet") { request, context in
            let project = context.parameters.get("project") ?? ""
            let wallet = context.parameters.get("wallet") ?? ""
            return try await self.serve(.twccWallet, target: "\(project)/\(wallet)", request: request, signed: false) {
                rule in self.twccWallet(project: project, code: wallet, rule: rule)
            }
        }
        // Control endpoints.
        router.post("/_sim/advance") { request, _ in
            guard let seconds = Self.query(request)["seconds"].flatMap(Int64.init), seconds > 0 else {
                return Self.response(SimAnswer(status: 400, body: #"{"error":"seconds must be a positive integer"}"#))
            }
            self.world.advance(seconds: seconds)
            return Self.response(SimAnswer(status: 200, body: #"{"now":"\#(self.world.now.iso8601)"}"#))
        }
        router.post("/_sim/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            do {
                let rules = try JSONDecoder().decode([FaultRule].self, from: Data(buffer: body))
                rules.forEach(self.faults.add)
                return Self.response(SimAnswer(status: 200, body: #"{"added":\#(rules.count)}"#))
            } catch {
                return Self.response(SimAnswer(status: 400, body: #"{"error":"expected a JSON array of fault rules"}"#))
            }
        }
        // Renames ModelRouter clients: {"1003": "new name"}. Tests and the browser checks give a client a hostile
        // name this way, so that it reaches the ledger through the real API as a source would send it.
        router.post("/_sim/names") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            guard let names = try? JSONDecoder().decode([String: String].self, from: Data(buffer: body)),
                names.keys.allSatisfy({ Int64($0) != nil })
            else {
                return Self.response(
                    SimAnswer(status: 400, body: #"{"error":"expected a JSON object of client id to name"}"#))
            }
            for (id, name) in names { self.world.setClientName(Int64(id)!, name) }
            return Self.response(SimAnswer(status: 200, body: #"{"renamed":\#(names.count)}"#))
        }
        router.delete("/_sim/faults") { _, _ in
            self.faults.clear()
            return Self.response(SimAnswer(status: 200, body: "{}"))
        }
        router.get("/_sim/state") { _, _ in
            Self.response(
                SimAnswer(
                    status: 200,
                    body:
                        #"{"now":"\#(self.world.now.iso8601)","modelrouter":\#(self.configuration.modelRouterClients),"#
                        + #""dms_credit":\#(self.configuration.dmsOrgs),"twcc_wallet":\#(self.world.wallets.count)}"#))
        }
        return router
    }

    /// Checks credentials, applies any matching fault, and answers.
    func serve(
        _ source: SourceKind, target: String, request: Request, signed: Bool,
        answer: @escaping @Sendable (FaultRule?) -> SimAnswer
    ) async throws -> Response {
        let headers = Self.headers(request)
        if signed,
            let refusal = auth.verifyACS3(
                method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query,
                headers: headers)
        {
            return Self.response(
                SimAnswer(
                    status: refusal.status,
                    body:
                        #"{"RequestId":"\#(requestID())","HostId":"aicontent.aliyuncs.com","Code":"\#(refusal.code)","Message":"\#(refusal.message)"}"#
                ))
        }
        if source == .dmsCredit, !auth.verifyDMS(headers: headers, query: Self.query(request)) {
            return Self.response(SimAnswer(status: 401, body: #"{"errCode":401,"errMsg":"token无效或已过期","data":null}"#))
        }
        if source == .twccWallet, target != "token", !auth.verifyTWCC(headers: headers) {
            if headers.contains(where: { $0.name == "x-api-key" }) {
                return Self.response(
                    SimAnswer(status: 401, body: #"{"message":"Your request is unauthorized. Key is expired."}"#))
            }
            return Self.response(Self.twccError(401, 89, "Invalid or expired token. Try to get a new one."))
        }
        let rule = faults.take(source: source, target: target)
        guard let rule else { return Self.response(answer(nil), date: world.now) }
        switch rule.kind {
        case .serverError:
            return Self.response(errorAnswer(source, status: 500), date: world.now)
        case .throttled:
            var throttled = errorAnswer(source, status: 429)
            throttled.headers.append(("retry-after", String(rule.retryAfterSeconds ?? 1)))
            return Self.response(throttled, date: world.now)
        case .permissionDenied:
            return Self.response(errorAnswer(source, status: 403), date: world.now)
        case .expiredToken:
            return Self.response(errorAnswer(source, status: 401), date: world.now)
        case .notFound:
            if source == .twccWallet, rule.plainText == true {
                return Self.response(SimAnswer(status: 404, body: "data not found.", contentType: "text/plain"))
            }
            return Self.response(errorAnswer(source, status: 404), date: world.now)
        case .slow:
            try await Task.sleep(for: .milliseconds(rule.delayMilliseconds ?? 2_000))
            return Self.response(answer(nil), date: world.now)
        case .dropMidBody:
            let bytes = Array(answer(nil).body.utf8)
            let half = ByteBuffer(bytes: bytes.prefix(bytes.count / 2))
            var fields = HTTPFields()
            fields[.contentType] = "application/json;charset=utf-8"
            return Response(
                status: .ok, headers: fields,
                body: ResponseBody(contentLength: bytes.count) { writer in
                    try await writer.write(half)
                    throw SimulatedDrop()
                })
        case .truncatedJSON:
            var cut = answer(nil)
            cut.body = String(decoding: Array(cut.body.utf8).prefix(cut.body.utf8.count / 2), as: UTF8.self)
            return Self.response(cut, date: world.now)
        case .malformedJSON:
            return Self.response(
                SimAnswer(status: 200, body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html"),
                date: world.now)
        case .oversizedBody:
            var big = answer(nil)
            let size = rule.bytes ?? 6 * 1024 * 1024
            big.body = "{\"padding\":\"" + String(repeating: "x", count: size) + "\",\"body\":" + big.body + "}"
            return Self.response(big, date: world.now)
        default:
            // Content faults the handler itself applies.
            return Self.response(answer(rule), date: world.now)
        }
    }

    func errorAnswer(_ source: SourceKind, status: Int) -> SimAnswer {
        switch source {
        case .modelRouter:
            let (code, message): (String, String) =
                switch status {
                case 403: ("B.Permission.DeniedException", "鉴权失败或权限不足")
                case 404: ("B.Permission.OrgNoExistException", "组织不存在,请主账号开通权限后再试,或联系管理员")
                case 429: ("Throttling.User", "Request was denied due to user flow control.")
                case 401: ("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
                default:
                    ("Server.Internal.UnknownError", "The request processing has failed due to some unknown error.")
                }
            if status == 429 || status == 401 {
                return SimAnswer(
                    status: status == 401 ? 400 : 429,
                    body: #"{"RequestId":"\#(requestID())","Code":"\#(code)","Message":"\#(message)"}"#)
            }
            return SimAnswer(
                status: status,
                body:
                    #"{"requestId":"\#(requestID())","success":false,"errCode":"\#(code)","errMessage":"\#(message)","httpStatusCode":\#(status)}"#
            )
        case .dmsCredit:
            let message = [401: "token无效或已过期", 403: "无权限", 404: "客户不存在", 429: "请求过于频繁"][status] ?? "系统繁忙"
            return SimAnswer(status: status, body: #"{"errCode":\#(status),"errMsg":"\#(message)","data":null}"#)
        case .twccWallet:
            switch status {
            case 401: return Self.twccError(401, 89, "Invalid or expired token. Try to get a new one.")
            case 403: return Self.twccError(403, 385, "Data is deleted or not visible to you.")
            case 404: return Self.twccError(404, 2001, "No data found.")
            case 429: return Self.twccError(429, 429, "Too many requests.")
            default: return Self.twccError(500, 500, "Internal server error.")
            }
        }
    }

    static func twccError(_ status: Int, _ code: Int, _ message: String) -> SimAnswer {
        SimAnswer(status: status, body: #"{"errors":[{"code":\#(code),"message":"\#(message)"}]}"#)
    }

    func requestID() -> String {
        let hex = randomHex(16).uppercased()
        let characters = Array(hex)
        return "\(String(characters[0..<8]))-\(String(characters[8..<12]))-\(String(characters[12..<16]))-"
            + "\(String(characters[16..<20]))-\(String(characters[20..<32]))"
    }

    /// The request's headers with lowercase names; HTTPTypes keeps Host as the authority, so it is put back.
    static func headers(_ request: Request) -> [(name: String, value: String)] {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if let authority = request.head.authority, !headers.contains(where: { $0.name == "host" }) {
            headers.append(("host", authority))
        }
        return headers
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        return query
    }

    static func response(_ answer: SimAnswer, date: Instant? = nil) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = answer.contentType
        if let date { fields[.date] = HTTPDate.format(date) }
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(
            status: .init(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
