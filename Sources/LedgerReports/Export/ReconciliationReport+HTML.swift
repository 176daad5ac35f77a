import Foundation
import LedgerCore

extension ReconciliationReport {
    /// A self-contained HTML report (no external assets, no script): summary, exceptions first, statements with
    /// an inline SVG chart of each account's balance over the period, invariant checks and matching. Every value
    /// from the data is escaped.
    public func html() throws -> String {
        let zone = parameters.zone
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>LedgerSync reconciliation \(esc(zone.format(parameters.from))) – \(esc(zone.format(parameters.to)))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24}
            h1{font-size:20px}h2{font-size:16px;margin-top:28px}
            table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .fail,.exc{color:#b42318;font-weight:600}.pass,.ok{color:#1a7f37}.skipped{color:#6e7781}
            .cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px}
            .card b{display:block;font-size:20px}svg.chart{background:#fbfcfd;border:1px solid #eaeef2}
            </style></head><body>
            <h1>Reconciliation \(esc(zone.format(parameters.from))) – \(esc(zone.format(parameters.to)))</h1>
            <p>Ledger schema \(esc(schemaVersion)); times in \(esc(zone.name)); tolerance 0 unless listed below.</p>

            """
        let failed = checks.filter { $0.verdict == .fail }.count
        out += "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
        for (label, value) in [
            ("accounts", statements.count), ("statements ok", statements.filter { $0.status == .ok }.count),
            ("exceptions", exceptions.count), ("checks failed", failed),
            ("checks skipped", checks.filter { $0.verdict == .skipped }.count),
        ] {
            out += "<div class=\"card\"><b>\(value)</b>\(esc(label))</div>"
        }
        out +=
            "</div>\n<h3>Control totals</h3><p>Over the accounts with an opening balance, opening + movements = "
            + "closing; accounts without an opening are counted apart, never summed as 0.</p>"
        out +=
            "<table id=\"control-totals\"><tr><th>unit</th><th>accounts</th><th>opening</th><th>movements</th>"
            + "<th>closing</th><th>reported closing</th><th>difference</th><th>no closing</th>"
            + "<th>accounts without opening</th><th>their movements</th><th>their closing</th></tr>"
        for t in try controlTotals {
            func cell(_ value: FixedDecimal) -> String { "<td class=\"n\">\(esc(scales.text(value, in: t.unit)))</td>" }
            out +=
                "<tr><td>\(esc(t.unit.name))</td><td class=\"n\">\(t.accounts)</td>" + cell(t.opening)
                + cell(t.movements) + cell(t.closing) + cell(t.reportedClosing) + cell(t.difference)
                + "<td class=\"n\">\(t.missingClosing)</td><td class=\"n\">\(t.noOpening.accounts)</td>"
                + cell(t.noOpening.movements) + cell(t.noOpening.reportedClosing) + "</tr>"
        }
        out += "</table></section>\n"

        out += "<section id=\"exceptions\"><h2>Exceptions (\(exceptions.count))</h2>"
        out += table(exceptionsTable, zone: zone)
        out += "</section>\n"

        out += "<section id=\"statements\"><h2>Statements</h2>"
        out +=
            "<table><tr><th>source</th><th>account</th><th>name</th><th>opening</th><th>movements</th>"
            + "<th>computed closing</th><th>reported closing</th><th>difference</th><th>status</th><th>balance over the period</th></tr>"
        for (index, line) in statements.enumerated() {
            let unit = line.unit.map { " " + $0.name } ?? ""
            func amount(_ value: FixedDecimal?) -> String {
                value.map { esc(scales.text($0, in: line.unit) + unit) } ?? "—"
            }
            let chart =
                index < parameters.htmlChartLimit
                ? svgChart(series[line.account.accountID] ?? [], label: "\(line.account.source)/\(line.account.key)")
                : ""
            out +=
                "<tr><td>\(esc(line.account.source))</td><td>\(esc(line.account.key))</td>"
                + "<td>\(esc(line.account.displayName ?? ""))</td><td class=\"n\">\(amount(line.opening))</td>"
                + "<td>\(esc(line.movements.map { "\($0.type) ×\($0.count): \(scales.text($0.amount, in: line.unit))" }.joined(separator: "; ")))</td>"
                + "<td class=\"n\">\(amount(line.computedClosing))</td><td class=\"n\">\(amount(line.reportedClosing))</td>"
                + "<td class=\"n\">\(amount(line.difference))</td>"
                + "<td class=\"\(line.status == .ok ? "ok" : "exc")\">\(esc(line.status.rawValue))</td><td>\(chart)</td></tr>\n"
        }
        out += "</table>"
        if statements.count > parameters.htmlChartLimit {
            out +=
                "<p>Charts are drawn for the first \(parameters.htmlChartLimit) accounts; every account is in statements.csv and report.json.</p>"
        }
        out += "</section>\n<section id=\"checks\"><h2>Invariant checks</h2>"
        out += table(checksTable, zone: zone, verdictColumn: "verdict")
        out += "</section>\n"
        if let matchingTable, let matching {
            out += "<section id=\"matching\"><h2>Statement matching: \(esc(matching.file))</h2>"
            out += table(matchingTable, zone: zone, verdictColumn: "status")
            out += "</section>\n"
        }
        out += "</body></html>\n"
        return out
    }

    private func table(_ table: ReportTable, zone: DisplayZone, verdictColumn: String? = nil) -> String {
        var out = "<table><tr>" + table.columns.map { "<th>\(esc($0.name))</th>" }.joined() + "</tr>\n"
        for row in table.rows {
            out += "<tr>"
            for (column, cell) in zip(table.columns, row) {
                let text = esc(ReportTable.text(cell, zone: zone, scales: table.scales))
                switch cell {
                case .amount, .integer: out += "<td class=\"n\">\(text)</td>"
                default:
                    if column.name == verdictColumn {
                        out +=
                            "<td class=\"\(text == "pass" || text == "matched" ? "pass" : text == "skipped" ? "skipped" : "fail")\">\(text)</td>"
                    } else {
                        out += "<td>\(text)</td>"
                    }
                }
            }
            out += "</tr>\n"
        }
        return out + "</table>"
    }

    /// A step chart of one account's balance: each value holds until the next. Pixel positions are computed in
    /// floating point; they are geometry, not money, and no amount is derived from them.
    private func svgChart(_ points: [BalancePoint], label: String) -> String {
        let width = 240.0
        let height = 56.0
        let values = points.compactMap(\.balance).map(\.nanos)
        guard let low = values.min(), let high = values.max() else {
            return
                "<svg class=\"chart\" width=\"240\" height=\"56\" role=\"img\" aria-label=\"\(esc(label)): no balance\"></svg>"
        }
        let start = Double(parameters.from.millisecondsSinceEpoch)
        let span = Double(parameters.to.millisecondsSinceEpoch) - start
        func x(_ at: Instant) -> Double { 4 + (Double(at.millisecondsSinceEpoch) - start) / span * (width - 8) }
        func y(_ value: Int128) -> Double {
            high == low ? height / 2 : 4 + Double(high - value) / Double(high - low) * (height - 8)
        }
        var path: [String] = []
        var previous: Int128?
        for point in points {
            guard let value = point.balance?.nanos else {
                previous = nil
                continue
            }
            let px = String(format: "%.1f", x(point.at))
            if let previous { path.append("\(px),\(String(format: "%.1f", y(previous)))") }
            path.append("\(px),\(String(format: "%.1f", y(value)))")
            previous = value
        }
        return
            "<svg class=\"chart\" width=\"240\" height=\"56\" viewBox=\"0 0 240 56\" role=\"img\" aria-label=\"\(esc(label))\">"
            + "<polyline class=\"balance-line\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"\(path.joined(separator: " "))\"/></svg>"
    }
}

/// Escapes text for HTML content and attribute values.
func esc(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
