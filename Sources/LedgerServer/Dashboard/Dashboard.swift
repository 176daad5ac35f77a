import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import Mustache

/// The dashboard's templates, parsed once at startup from the files compiled into the binary
/// (`Templates/*.mustache`). Mustache escapes every `{{value}}`; the only unescaped insertions (`{{{…}}}`) are
/// the charts and report sections LedgerReports renders, which escape every value themselves, and the style sheet.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary

    /// Parses every embedded template; a template that does not parse is a build defect, reported by name.
    init() throws {
        var library = MustacheLibrary()
        for file in embeddedTemplateFiles {
            guard let data = Data(base64Encoded: file.base64), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(name: file.name, reason: "is not UTF-8")
            }
            do {
                try library.register(text, named: file.name)
            } catch {
                throw TemplateError(name: file.name, reason: "does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// A template failed to load.
    struct TemplateError: Error, CustomStringConvertible {
        let name: String
        let reason: String
        var description: String { "the dashboard template \(name).mustache \(reason)" }
    }

    /// A whole page: the frame's header, the page's own template over `model`, the frame's footer.
    func page(_ name: String, frame: PageFrame, model: Any) -> String {
        (library.render(frame, withTemplate: "header") ?? "") + (library.render(model, withTemplate: name) ?? "")
            + (library.render(frame, withTemplate: "footer") ?? "")
    }
}

/// What every page's header and footer show.
struct PageFrame: Sendable {
    /// The page's title.
    let title: String
    /// The nonce the page's inline style and script carry (the Content-Security-Policy admits only it).
    let nonce: String
    /// Which navigation link is the current page.
    var navOverview = false
    var navReconciliation = false
    var navRuns = false
    /// The report's style sheet, which the dashboard builds on (tables, cards, charts).
    let reportStyle = ReconciliationReport.htmlStyle
    /// When the page was read from the ledger.
    let generatedAt: String
}

/// HTML answers: escaped templates, a per-response nonce, and a Content-Security-Policy that admits no script or
/// style but the page's own (nonce), nothing from elsewhere, and no framing.
enum HTMLResponse {
    /// A fresh nonce: 16 random bytes, base64.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    static func make(_ html: String, nonce: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src 'self' data:; "
                    + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A redirect after a form (303: the browser follows with GET).
    static func seeOther(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }
}

/// A dashboard request that cannot be answered: shown as a page naming the parameter at fault.
struct PageError: Error {
    let status: HTTPResponse.Status
    let message: String
    var parameter: String?

    static func badParameter(_ name: String, _ message: String) -> PageError {
        PageError(status: .badRequest, message: message, parameter: name)
    }
}
