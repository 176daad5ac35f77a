import Foundation
import Hummingbird
import LedgerCore
import LedgerStore

/// An error answer of the API: a status and a JSON body `{"error": {"status", "message", "parameter"}}` that names
/// the parameter at fault, never a stack trace.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    /// The query parameter at fault, if one.
    var parameter: String?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, parameter: String? = nil) {
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, message, parameter: name)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var members: [(key: String, value: JSONValue)] = [
            ("status", .number(String(status.code))), ("message", .string(message)),
        ]
        if let parameter { members.append(("parameter", .string(parameter))) }
        var response = JSONResponse.make(.object(JSONObject([("error", .object(JSONObject(members)))])), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// JSON answers, written by the ledger's exact JSON writer (amounts stay strings).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        make(text: value.jsonText, status: status)
    }

    static func make(text: String, status: HTTPResponse.Status = .ok) -> Response {
        make(body: ByteBuffer(string: text), status: status)
    }

    static func make(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: body))
    }
}

extension APIError {
    /// A query the ledger refused: the user's fault (400 naming the parameter) or the store's (500, no detail).
    init(_ error: QueryError) {
        switch error.code {
        case .unknownSource: self = .badParameter("source", error.description)
        case .unknownAccount: self = .badParameter("account", error.description)
        case .invalidCursor: self = .badParameter("after", error.description)
        case .conflictingFilters, .writeRefused, .invalidSQL: self.init(.badRequest, error.description)
        case .store: self.init(.internalServerError, "the ledger could not be read; see the server's log")
        }
    }
}

extension Request {
    /// The query string as name–value pairs, in order, as sent (`+` stays a plus: offsets such as `+08:00`).
    var queryPairs: [(name: String, value: String)] {
        uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }
}
