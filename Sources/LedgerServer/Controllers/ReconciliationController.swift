import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

/// `GET /api/v1/reconciliation`: a period's statements summary and exceptions, as `check --json` prints them.
struct ReconciliationController: Sendable {
    let reader: LedgerReader
    /// The default period ends with the last complete day by this clock.
    let clock: any LedgerClock

    /// The names the report takes (``QueryParameters/table``).
    static let allowed = Set(QueryParameters.parameters(for: .reconciliation).map(\.name))

    func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/reconciliation") { request, _ in try await reconciliation(request) }
    }

    func reconciliation(_ request: Request) async throws -> Response {
        var report = ReportRequest()
        var filterPairs: [(name: String, value: String)] = []
        for (name, value) in request.queryPairs {
            switch name {
            case "tz": report.zone = value
            case "stale_after":
                guard let hours = Int(value) else {
                    throw APIError.badParameter(name, "expected a whole number of hours")
                }
                report.staleAfterHours = hours
            case "tolerance": report.tolerances.append(value)
            case _ where Self.allowed.contains(name): filterPairs.append((name, value))
            default:
                throw APIError.badParameter(
                    name,
                    "unknown parameter for reconciliation (allowed: \(Self.allowed.sorted().joined(separator: ", ")))")
            }
        }
        do {
            // The filter's names and values are checked as the lists check them.
            var pairs = filterPairs
            pairs.append(("tz", report.zone))
            report.filter = try QueryParameters.options(for: .movements, pairs).filter
        } catch {
            throw APIError.badParameter(error.name, error.description)
        }
        let parameters: ReportParameters
        do {
            (parameters, _) = try report.prepare(now: clock.now())
        } catch {
            let name = error.argument.drop { $0 == "-" }.replacingOccurrences(of: "-", with: "_")
            throw APIError.badParameter(name, error.description)
        }
        do {
            return JSONResponse.make(
                text: try await Reconciler.report(reader: reader, parameters: parameters).checkJSON())
        } catch let error as QueryError {
            throw APIError(error)
        }
    }
}
