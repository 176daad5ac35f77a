import Foundation
import LedgerCore
import LedgerStore

/// What `export` or `check` is asked, as given: turned into ``ReportParameters`` and a statement file with the
/// defaults and checks every front end shares (the CLI today, `serve` later).
public struct ReportRequest: Sendable {
    /// The zone of the period and of times shown.
    public var zone = "UTC"
    /// The selection; `from` and `to` are the period's bounds when given.
    public var filter = QueryFilter()
    /// Tolerances as `RULE=AMOUNT`.
    public var tolerances: [String] = []
    /// Hours without fresh data before an account is STALE.
    public var staleAfterHours = 36
    /// An external statement CSV to match.
    public var statementPath: String?
    /// How many accounts the HTML report charts.
    public var chartLimit = 500

    /// A request with every option at its default (the last full day, 36 h stale limit, no tolerance).
    public init() {}

    /// The report's parameters and statement file.
    ///
    /// Without `from`, the period is the last complete day in the zone before `now`; with `from` alone, that one
    /// day.
    /// - Parameter now: The current time, for the default period.
    /// - Throws: ``ReportInputError`` naming the argument that is wrong.
    public func prepare(now: Instant) throws(ReportInputError) -> (ReportParameters, StatementFile?) {
        let displayZone = try DisplayZone(zone)
        var filter = self.filter
        let period = ReportParameters.lastCompleteDay(before: now, zone: displayZone)
        let from = filter.from ?? period.from
        let to = filter.to ?? (self.filter.from == nil ? period.to : displayZone.startOfNextDay(after: from))
        guard from < to else {
            throw ReportInputError(
                argument: "--from", value: displayZone.format(from),
                reason: "it is not before --to \(displayZone.format(to))")
        }
        filter.from = nil
        filter.to = nil
        var amounts: [String: FixedDecimal] = [:]
        for item in tolerances {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ReconciliationRule(rawValue: parts[0]) != nil,
                let value = try? FixedDecimal(parsing: parts[1]), !value.isNegative
            else {
                throw ReportInputError(
                    argument: "--tolerance", value: item,
                    reason: "expected RULE=AMOUNT with a known rule ("
                        + ReconciliationRule.allCases.map(\.rawValue).joined(separator: ", ")
                        + ") and an amount of at least 0")
            }
            amounts[parts[0]] = value
        }
        guard staleAfterHours > 0 else {
            throw ReportInputError(
                argument: "--stale-after", value: String(staleAfterHours),
                reason: "expected a positive number of hours")
        }
        var statement: StatementFile?
        if let statementPath {
            guard let data = FileManager.default.contents(atPath: statementPath) else {
                throw ReportInputError(argument: "--statement", value: statementPath, reason: "the file cannot be read")
            }
            statement = try StatementFile.parse(
                String(decoding: data, as: UTF8.self), name: (statementPath as NSString).lastPathComponent,
                zone: displayZone)
        }
        let parameters = ReportParameters(
            from: from, to: to, zone: displayZone, filter: filter, tolerances: amounts,
            staleAfterSeconds: Int64(staleAfterHours) * 3600, htmlChartLimit: chartLimit)
        return (parameters, statement)
    }
}
