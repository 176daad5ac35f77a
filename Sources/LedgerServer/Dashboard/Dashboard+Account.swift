import Foundation
import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

extension DashboardController {
    /// One account: its figures as of any instant on either axis (the answer of `query balances --as-of`), its
    /// balance over time, every version (superseded ones too), its conflicts and, for ModelRouter, its movements.
    func account(_ request: Request) throws -> Response {
        var source: String?
        var key: String?
        var asOfText: String?
        var axis = TimeAxis.valid
        for (name, value) in Self.formPairs(request) {
            switch name {
            case "source": source = value
            case "key": key = value
            case "as_of": asOfText = value.isEmpty ? nil : value
            case "axis":
                guard let parsed = TimeAxis(rawValue: value) else {
                    throw PageError.badParameter(name, "expected valid or recorded")
                }
                axis = parsed
            default:
                throw PageError.badParameter(
                    name, "unknown parameter for an account (allowed: source, key, as_of, axis)")
            }
        }
        guard let source else { throw PageError.badParameter("source", "which source: give source=NAME") }
        guard let key else { throw PageError.badParameter("key", "which account: give key=KEY") }
        var asOf = AsOf.now
        if let asOfText {
            do {
                asOf = .at(try DisplayZone.utc.parse(asOfText, argument: "as_of"), on: axis)
            } catch {
                throw PageError.badParameter("as_of", error.description)
            }
        }
        let filter = QueryFilter(sources: [source], accounts: [key])
        let scales: UnitScales
        let current: BalanceRow?
        let versions: [BalanceRow]
        let conflicts: [ConflictRow]
        let movements: [MovementRow]
        do {
            scales = try reader.unitScales()
            current = try reader.balances(asOf: asOf, filter: filter, page: PageRequest(limit: 1)).rows.first
            versions = try reader.history(filter: filter, includeSuperseded: true, page: PageRequest(limit: 5_000)).rows
            conflicts = try reader.conflicts(filter: filter, page: PageRequest(limit: 200)).rows
            movements =
                versions.first?.account.kind == .modelRouter
                ? try reader.movements(filter: filter, page: PageRequest(limit: 500)).rows : []
        } catch {
            switch error.code {
            case .unknownSource: throw PageError(status: .notFound, message: error.description, parameter: "source")
            case .unknownAccount: throw PageError(status: .notFound, message: error.description, parameter: "key")
            default: throw APIError(error)
            }
        }
        let now = clock.now()
        func money(_ value: FixedDecimal?, _ unit: MoneyUnit?) -> String { scales.labelled(value, in: unit) }
        let account = versions.first?.account ?? current?.account
        var page = AccountPage(
            nonce: "", source: source, key: key, name: account?.displayName,
            kind: account?.kind.rawValue ?? "", asOf: asOfText ?? "", axisValid: axis == .valid,
            asOfHeading: asOfText.map { "As of \($0) (\(axis == .valid ? "valid" : "recorded") time)" } ?? "Now",
            nowLink: Self.accountLink(source: source, key: key),
            hasFigures: current != nil, state: current?.state.rawValue ?? "",
            figures: [], validFrom: current?.validFrom.iso8601 ?? "", recordedAt: current?.recordedAt.iso8601 ?? "",
            chart: "", versionCount: versions.count, versions: [], conflictCount: conflicts.count, conflicts: [],
            isModelRouter: account?.kind == .modelRouter, movementCount: movements.count, movements: [])
        if let current {
            let named: [(String, String, FixedDecimal?)] = [
                ("available balance", "available_balance", current.availableBalance),
                ("credit limit", "credit_limit", current.creditLimit), ("used", "used", current.used),
                ("frozen", "frozen", current.frozen), ("total available", "total_available", current.totalAvailable),
                ("overdue", "overdue", current.overdue),
            ]
            page.figures = named.filter { $0.2 != nil }.map {
                AccountPage.Figure(label: $0.0, field: $0.1, value: money($0.2, current.unit))
            }
        }
        // The chart: what the ledger knows now, each live version from its valid-from; its points tell the
        // version's times and figures.
        let live = versions.filter { $0.supersededAt == nil }
        if let first = live.first {
            let unit = live.last(where: { $0.unit != nil })?.unit
            let steps = live.map { version in
                StepChart.Step(
                    at: version.validFrom, value: version.state == .gone ? nil : version.availableBalance,
                    detail: "valid from \(version.validFrom.iso8601), recorded \(version.recordedAt.iso8601): "
                        + (version.state == .gone
                            ? "gone"
                            : "available \(money(version.availableBalance, version.unit))"
                                + (version.creditLimit.map { ", credit limit \(money($0, version.unit))" } ?? "")))
            }
            let end = max(now, live.last!.validFrom.adding(seconds: 3_600))
            var chart = StepChart(
                steps: steps, from: first.validFrom, to: end, unit: unit, scales: scales, zone: .utc,
                label: "\(source)/\(key): available balance over time")
            // Two drawings of one chart: a wide one for a laptop and a narrow one whose labels stay readable on a
            // phone; the style sheet shows the one that fits.
            let narrow = chart.svg()
            (chart.width, chart.height) = (760, 240)
            page.chart = "<div class=\"chart-wide\">\(chart.svg())</div><div class=\"chart-narrow\">\(narrow)</div>"
        }
        page.versions = versions.map { version in
            AccountPage.Version(
                id: version.versionID, validFrom: Self.short(version.validFrom),
                validTo: version.validTo.map(Self.short) ?? "", recordedAt: Self.short(version.recordedAt),
                supersededAt: version.supersededAt.map(Self.short) ?? "", superseded: version.supersededAt != nil,
                state: version.state.rawValue, balance: money(version.availableBalance, version.unit),
                creditLimit: money(version.creditLimit, version.unit), flagged: version.flagged,
                // A gone marker comes from a listing, not from a response of its own.
                hasRaw: version.state == .present)
        }
        page.conflicts = conflicts.map { conflict in
            AccountPage.Conflict(
                id: conflict.id, kind: conflict.kind.rawValue, resolution: conflict.resolution.rawValue,
                detectedAt: Self.short(conflict.detectedAt),
                storedValidFrom: conflict.storedValidFrom?.iso8601 ?? "—",
                incomingValidFrom: conflict.incomingValidFrom.iso8601,
                stored: conflict.storedContent.map(Self.pretty) ?? "—", incoming: Self.pretty(conflict.incomingContent))
        }
        page.movements = movements.map { movement in
            AccountPage.Movement(
                at: Self.short(movement.at), type: movement.changeType,
                amount: money(movement.amount, movement.unit), before: money(movement.balanceBefore, movement.unit),
                after: money(movement.balanceAfter, movement.unit), remark: movement.remark ?? "")
        }
        let nonce = HTMLResponse.nonce()
        page.nonce = nonce
        let frame = PageFrame(title: "\(source)/\(key)", nonce: nonce, generatedAt: Self.short(now))
        return HTMLResponse.make(templates.page("account", frame: frame, model: page), nonce: nonce)
    }

    /// The raw response a version came from, pretty-printed when it is JSON. The ledger never stores a credential
    /// (URLs are redacted, the TWCC token exchange is never kept), so nothing here is secret.
    func rawResponse(_ request: Request) throws -> Response {
        var versionID: Int64?
        for (name, value) in Self.formPairs(request) {
            guard name == "version" else {
                throw PageError.badParameter(name, "unknown parameter for a raw response (allowed: version)")
            }
            guard let id = Int64(value), id > 0 else { throw PageError.badParameter(name, "expected a version id") }
            versionID = id
        }
        guard let versionID else { throw PageError.badParameter("version", "which version: give version=ID") }
        let raw: RawResponseView?
        let account: BalanceRow?
        do {
            raw = try reader.rawResponse(ofVersion: versionID)
            account = try reader.version(id: versionID)
        } catch { throw APIError(error) }
        guard let raw, let account else {
            throw PageError(
                status: .notFound, message: "version \(versionID) has no stored response", parameter: "version")
        }
        let text = String(decoding: raw.body, as: UTF8.self)
        let model = RawPage(
            version: versionID, account: "\(account.account.source)/\(account.account.key)",
            accountLink: Self.accountLink(account.account), method: raw.method, url: raw.url,
            status: raw.httpStatus, receivedAt: raw.receivedAt.iso8601, requestID: raw.requestID,
            body: Self.pretty(text))
        let nonce = HTMLResponse.nonce()
        let frame = PageFrame(title: "Version \(versionID)", nonce: nonce, generatedAt: Self.short(clock.now()))
        return HTMLResponse.make(templates.page("raw", frame: frame, model: model), nonce: nonce)
    }

    /// JSON text indented for reading (numbers kept as their exact tokens); any other text as it is.
    static func pretty(_ text: String) -> String {
        guard let value = try? JSONValue.parse(text) else { return text }
        return value.prettyText()
    }
}

struct AccountPage {
    struct Figure {
        let label, field, value: String
    }
    struct Version {
        let id: Int64
        let validFrom, validTo, recordedAt, supersededAt: String
        let superseded: Bool
        let state, balance, creditLimit: String
        let flagged, hasRaw: Bool
    }
    struct Conflict {
        let id: Int64
        let kind, resolution, detectedAt, storedValidFrom, incomingValidFrom, stored, incoming: String
    }
    struct Movement {
        let at, type, amount, before, after, remark: String
    }

    var nonce: String
    let source, key: String
    let name: String?
    let kind, asOf: String
    let axisValid: Bool
    let asOfHeading, nowLink: String
    let hasFigures: Bool
    let state: String
    var figures: [Figure]
    let validFrom, recordedAt: String
    var chart: String
    let versionCount: Int
    var versions: [Version]
    let conflictCount: Int
    var conflicts: [Conflict]
    let isModelRouter: Bool
    let movementCount: Int
    var movements: [Movement]
}

struct RawPage {
    let version: Int64
    let account, accountLink, method, url: String
    let status: Int
    let receivedAt: String
    let requestID: String?
    let body: String
}
