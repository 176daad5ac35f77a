import Foundation
import Hummingbird
import LedgerCore
import Logging

/// What every controller that answers with HTML pages shares: the templates, the clock the pages are stamped
/// with, and the log of what failed.
protocol PageController: Sendable {
    var templates: DashboardTemplates { get }
    var clock: any LedgerClock { get }
    var logger: Logger { get }
}

extension PageController {
    /// Runs a page handler; what it cannot answer becomes a page naming the parameter at fault (or the error).
    func page(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as PageError {
            return errorPage(status: error.status, message: error.message, parameter: error.parameter)
        } catch let error as APIError {
            return errorPage(status: error.status, message: error.message, parameter: error.parameter)
        } catch {
            logger.error("a dashboard page failed", metadata: ["error": "\(error)"])
            return errorPage(
                status: .internalServerError, message: "the page could not be read from the ledger; see the log",
                parameter: nil)
        }
    }

    func errorPage(status: HTTPResponse.Status, message: String, parameter: String?) -> Response {
        let nonce = HTMLResponse.nonce()
        let heading = status == .badRequest ? "That request has a mistake" : status == .notFound ? "Not found" : "Error"
        let frame = PageFrame(title: heading, nonce: nonce, generatedAt: Self.short(clock.now()))
        return HTMLResponse.make(
            templates.page(
                "error", frame: frame, model: ErrorPage(heading: heading, message: message, parameter: parameter)),
            nonce: nonce, status: status)
    }

    /// `2026-11-03 12:00` (UTC), for people; the exact instant goes in `datetime`.
    static func short(_ instant: Instant) -> String {
        String(instant.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// A page's query string decoded as the form that sent it encodes it: `+` is a space, `%2B` a plus (the
    /// API's parameters keep `+` as sent, for offsets such as `+08:00` typed in a URL).
    static func formPairs(_ request: Request) -> [(name: String, value: String)] {
        formDecoded(request.uri.query ?? "")
    }

    /// `application/x-www-form-urlencoded` fields (the first of each name).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in formDecoded(body) where fields[name] == nil { fields[name] = value }
        return fields
    }

    static func formDecoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// The error page's model for its template.
struct ErrorPage {
    let heading, message: String
    let parameter: String?
}
