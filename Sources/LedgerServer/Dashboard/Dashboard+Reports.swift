import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

extension DashboardController {
    /// The report of a period from the page's `from` and `to` (days, UTC; `to` exclusive; the last complete day by
    /// default), as `export` and `check` compute it.
    func periodReport(
        _ request: Request, allowing extra: Set<String> = []
    ) async throws -> (ReconciliationReport, String) {
        var report = ReportRequest()
        var query: [URLQueryItem] = []
        for (name, value) in Self.formPairs(request) where !extra.contains(name) {
            guard name == "from" || name == "to" else {
                throw PageError.badParameter(name, "unknown parameter for reconciliation (allowed: from, to)")
            }
            guard !value.isEmpty else { continue }
            do {
                let instant = try DisplayZone.utc.parse(value, argument: name)
                if name == "from" { report.filter.from = instant } else { report.filter.to = instant }
            } catch {
                throw PageError.badParameter(name, error.description)
            }
            query.append(URLQueryItem(name: name, value: value))
        }
        let parameters: ReportParameters
        do {
            (parameters, _) = try report.prepare(now: clock.now())
        } catch {
            throw PageError.badParameter(error.argument.drop { $0 == "-" }.description, error.description)
        }
        do {
            let result = try await Reconciler.report(reader: reader, parameters: parameters)
            var components = URLComponents()
            components.queryItems = [
                URLQueryItem(name: "from", value: String(parameters.from.iso8601.prefix(10))),
                URLQueryItem(name: "to", value: String(parameters.to.iso8601.prefix(10))),
            ]
            return (result, components.percentEncodedQuery ?? "")
        } catch let error as QueryError {
            throw APIError(error)
        }
    }

    /// Reconciliation: pick a period; its statements, invariant checks and exceptions, and its files to download.
    func reconciliationPage(_ request: Request) async throws -> Response {
        let (report, query) = try await periodReport(request)
        let files = try ReportExporter.contents(report).map { file in
            ReconciliationPage.File(name: file.name, link: "/reconciliation/files/\(file.name)?\(query)")
        }
        let page = ReconciliationPage(
            fromDay: String(report.parameters.from.iso8601.prefix(10)),
            toDay: String(report.parameters.to.iso8601.prefix(10)), files: files, sections: try report.htmlSections())
        let nonce = HTMLResponse.nonce()
        var frame = PageFrame(
            title: "Reconciliation \(page.fromDay) – \(page.toDay)", nonce: nonce, generatedAt: Self.short(clock.now()))
        frame.navReconciliation = true
        return HTMLResponse.make(templates.page("reconciliation", frame: frame, model: page), nonce: nonce)
    }

    /// One file of `export` for the period, as a download.
    func reconciliationFile(_ request: Request, name: String) async throws -> Response {
        let (report, _) = try await periodReport(request)
        guard let file = try ReportExporter.contents(report).first(where: { $0.name == name }) else {
            throw PageError(status: .notFound, message: "no report file named \(name.prefix(60))")
        }
        let type =
            name.hasSuffix(".csv")
            ? "text/csv; charset=utf-8"
            : name.hasSuffix(".json") ? "application/json; charset=utf-8" : "text/html; charset=utf-8"
        var headers: HTTPFields = [
            .contentType: type, .cacheControl: "no-store", .contentDisposition: "attachment; filename=\"\(name)\"",
            .init("X-Content-Type-Options")!: "nosniff",
        ]
        // The HTML report has no script; even so it may not run any when opened from here.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: file.text)))
    }

    /// Runs with each source's counts, and the latest fetch errors and quarantined records with their reasons.
    func runsPage(_ request: Request) throws -> Response {
        for (name, _) in Self.formPairs(request) {
            throw PageError.badParameter(name, "the runs page takes no parameters")
        }
        let runs: [RunRow]
        let parts: [Int64: [RunSourceRow]]
        let errors: [ErrorRow]
        do {
            runs = try reader.runs(page: PageRequest(limit: 50)).rows
            parts = try reader.runSources(runIDs: runs.map(\.id))
            errors = try reader.errors(page: PageRequest(limit: 200)).rows.sorted { $0.occurredAt > $1.occurredAt }
        } catch { throw APIError(error) }
        let page = RunsPage(
            runCount: runs.count,
            runs: runs.map { run in
                RunsPage.Run(
                    sources: (parts[run.id] ?? []).map { part in
                        RunsPage.Part(
                            run: run.id, started: Self.short(run.startedAt),
                            duration: run.endedAt.map { Self.duration(from: run.startedAt, to: $0) } ?? "running",
                            status: part.status, statusClass: Self.statusClass(part.status), mode: run.mode.rawValue,
                            source: part.source, targets: part.counts.targets, fetched: part.counts.fetched,
                            added: part.counts.versionsAdded, unchanged: part.counts.unchanged, gone: part.counts.gone,
                            conflicts: part.counts.conflicts, errors: part.counts.errors,
                            quarantined: part.counts.quarantined)
                    })
            },
            errorCount: errors.count,
            errors: errors.map { error in
                RunsPage.ErrorLine(
                    type: error.type, at: Self.short(error.occurredAt), run: error.runID.map(String.init) ?? "",
                    source: error.source, account: error.accountKey ?? error.target, kind: error.kind,
                    status: error.httpStatus.map(String.init) ?? "", message: error.message)
            })
        let nonce = HTMLResponse.nonce()
        var frame = PageFrame(title: "Runs and errors", nonce: nonce, generatedAt: Self.short(clock.now()))
        frame.navRuns = true
        return HTMLResponse.make(templates.page("runs", frame: frame, model: page), nonce: nonce)
    }
}

struct ReconciliationPage {
    struct File {
        let name, link: String
    }
    let fromDay, toDay: String
    let files: [File]
    let sections: String
}

struct RunsPage {
    struct Part {
        let run: Int64
        let started, duration, status, statusClass, mode, source: String
        let targets, fetched, added, unchanged, gone, conflicts, errors, quarantined: Int
    }
    struct Run {
        let sources: [Part]
    }
    struct ErrorLine {
        let type, at, run, source, account, kind, status, message: String
    }
    let runCount: Int
    let runs: [Run]
    let errorCount: Int
    let errors: [ErrorLine]
}
