import Foundation
import LedgerCore

extension ReconciliationReport {
    /// A self-contained HTML report (no external assets, no script): summary, exceptions first, statements, a
    /// step chart with axes of each account's balance over the period, invariant checks and matching. Every value
    /// from the data is escaped. Readable on a laptop and a phone: wide tables scroll inside their own box, the
    /// charts wrap into as many columns as fit, and the font stack covers CJK names.
    public func html() throws -> String {
        let zone = parameters.zone
        let head = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>LedgerSync reconciliation \(esc(zone.format(parameters.from))) – \(esc(zone.format(parameters.to)))</title>
            <style>\(Self.htmlStyle)</style></head><body>
            <h1>Reconciliation \(esc(zone.format(parameters.from))) – \(esc(zone.format(parameters.to)))</h1>
            <p>Ledger schema \(esc(schemaVersion)); chain head <code class="hash">\(esc(chainHead.hash))</code> (fact \(chainHead.position)); times in \(esc(zone.name)); tolerance 0 unless listed below.</p>

            """
        return head + (try htmlSections()) + "</body></html>\n"
    }

    /// The style sheet of the report's sections, shared by the dashboard's reconciliation page.
    public static let htmlStyle = """
        :root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa;--plot:#fbfcfd}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC",
        "Noto Sans CJK TC","Noto Sans CJK JP","Source Han Sans SC","PingFang SC","PingFang TC","Hiragino Sans",
        "Microsoft YaHei","Microsoft JhengHei","WenQuanYi Micro Hei",sans-serif;margin:24px;color:var(--ink)}
        h1{font-size:20px}h2{font-size:16px;margin-top:28px}code.hash{overflow-wrap:anywhere;word-break:break-all}
        .wide{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;
        vertical-align:top;overflow-wrap:break-word}
        th{background:var(--head)}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;
        overflow-wrap:normal}td.t{white-space:nowrap}td.name{word-break:keep-all}td.prose{overflow-wrap:anywhere;min-width:12em}td.figures{white-space:nowrap}
        td.figures .n{font-variant-numeric:tabular-nums}small{color:var(--muted)}
        .fail,.exc{color:#b42318;font-weight:600}.pass,.ok{color:#1a7f37}.skipped{color:var(--muted)}
        .cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px}
        .card b{display:block;font-size:20px}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr));gap:16px}
        figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;background:var(--plot)}
        figcaption{font-weight:600;margin-bottom:4px;overflow-wrap:anywhere}
        svg.chart{display:block;width:100%;height:auto}
        svg.chart .axis{stroke:#8c959f;fill:none}svg.chart .grid{stroke:#d8dee4;stroke-dasharray:3 3;fill:none}
        svg.chart .axis-label{font-size:11px;fill:var(--muted);font-variant-numeric:tabular-nums}
        svg.chart .step{fill:#1f6feb}
        @media (max-width:600px){body{margin:12px}}@media print{body{margin:0}.wide{overflow:visible}figure{break-inside:avoid}}
        """

    /// The report's sections (summary, exceptions, statements, charts, checks, matching) as HTML, every value
    /// escaped: the body of ``html()`` and of the dashboard's reconciliation page.
    public func htmlSections() throws -> String {
        let zone = parameters.zone
        var out = ""
        out += "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
        for (label, value) in [
            ("accounts", tallies.statements), ("statements ok", tallies.statementsOK),
            ("exceptions", tallies.exceptions), ("checks failed", tallies.checksFailed),
            ("checks skipped", tallies.checksSkipped),
        ] {
            out += "<div class=\"card\"><b>\(value)</b>\(esc(label))</div>"
        }
        out +=
            "</div>\n<h3>Control totals</h3><p>Over the accounts with an opening balance, opening + movements = "
            + "closing; accounts without an opening are counted apart, never summed as 0.</p>"
        out +=
            "<div class=\"wide\"><table id=\"control-totals\"><tr><th>unit</th><th>accounts</th><th>opening</th><th>movements</th>"
            + "<th>closing</th><th>reported closing</th><th>difference</th><th>no closing</th>"
            + "<th>accounts without opening</th><th>their movements</th><th>their closing</th></tr>"
        for t in controlTotals {
            func cell(_ value: FixedDecimal) -> String { "<td class=\"n\">\(esc(scales.text(value, in: t.unit)))</td>" }
            out +=
                "<tr><td>\(esc(t.unit.name))</td><td class=\"n\">\(t.accounts)</td>" + cell(t.opening)
                + cell(t.movements) + cell(t.closing) + cell(t.reportedClosing) + cell(t.difference)
                + "<td class=\"n\">\(t.missingClosing)</td><td class=\"n\">\(t.noOpening.accounts)</td>"
                + cell(t.noOpening.movements) + cell(t.noOpening.reportedClosing) + "</tr>"
        }
        out += "</table></div></section>\n"

        out += "<section id=\"exceptions\"><h2>Exceptions (\(exceptions.count))</h2>"
        out += exceptionsHTML(zone: zone)
        out += "</section>\n"

        out += "<section id=\"statements\"><h2>Statements</h2>"
        out +=
            "<div class=\"wide\"><table><tr><th>source</th><th>account</th><th>name</th><th>opening</th>"
            + "<th>movements</th><th>computed closing</th><th>reported closing</th><th>difference</th><th>status</th></tr>"
        for line in statements {
            let unit = line.unit.map { " " + $0.name } ?? ""
            func amount(_ value: FixedDecimal?) -> String {
                value.map { esc(scales.text($0, in: line.unit) + unit) } ?? "—"
            }
            out +=
                "<tr><td>\(esc(line.account.source))</td><td>\(esc(line.account.key))</td>"
                + "<td class=\"name\">\(esc(line.account.displayName ?? ""))</td><td class=\"n\">\(amount(line.opening))</td>"
                + "<td>\(esc(line.movements.map { "\($0.type) ×\($0.count): \(scales.text($0.amount, in: line.unit))" }.joined(separator: "; ")))</td>"
                + "<td class=\"n\">\(amount(line.computedClosing))</td><td class=\"n\">\(amount(line.reportedClosing))</td>"
                + "<td class=\"n\">\(amount(line.difference))</td>"
                + "<td class=\"\(line.status == .ok ? "ok" : "exc")\">\(esc(line.status.rawValue))</td></tr>\n"
        }
        out += "</table></div></section>\n"
        out += "<section id=\"charts\"><h2>Balances over the period</h2><div class=\"charts\">"
        for line in statements.prefix(parameters.htmlChartLimit) {
            let account = "\(line.account.source)/\(line.account.key)"
            let name = line.account.displayName.map { " " + $0 } ?? ""
            let chart = StepChart(
                steps: (series[line.account.accountID] ?? []).map { StepChart.Step(at: $0.at, value: $0.balance) },
                from: parameters.from, to: parameters.to, unit: line.unit, scales: scales, zone: zone,
                label: "\(account)\(name): available balance\(line.unit.map { " in " + $0.name } ?? "")")
            out += "<figure><figcaption>\(esc(account + name))</figcaption>\(chart.svg())</figure>\n"
        }
        out += "</div>"
        if statements.count > parameters.htmlChartLimit {
            out +=
                "<p>Charts are drawn for the first \(parameters.htmlChartLimit) accounts; every account is in statements.csv and report.json.</p>"
        }
        out += "</section>\n<section id=\"checks\"><h2>Invariant checks</h2>"
        out += table(checksTable, zone: zone, verdictColumn: "verdict", omitting: ["kind", "unit"])
        out += "</section>\n"
        if let matchingTable, let matching {
            out += "<section id=\"matching\"><h2>Statement matching: \(esc(matching.file))</h2>"
            out += table(matchingTable, zone: zone, verdictColumn: "status")
            out += "</section>\n"
        }
        return out
    }

    /// The exceptions register for people: what and where, the figures compared (each with its unit), when it
    /// was seen and the message; `exceptions.csv` has every column.
    private func exceptionsHTML(zone: DisplayZone) -> String {
        func when(_ at: Instant) -> String {
            let text = zone.format(at)
            let short = String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
            return "<time datetime=\"\(esc(text))\" title=\"\(esc(text))\">\(esc(short))</time>"
        }
        var out =
            "<div class=\"wide\"><table id=\"exceptions-register\"><tr><th>exception</th><th>account</th>"
            + "<th>rule</th><th>figures</th><th>seen</th><th>message</th></tr>\n"
        for e in exceptions {
            let unit = e.unit.map { " " + $0.name } ?? ""
            let figures = [
                ("expected", e.expected), ("actual", e.actual), ("difference", e.difference),
                ("tolerance", e.tolerance),
            ].compactMap { label, value in
                value.map { "\(label) <span class=\"n\">\(esc(scales.text($0, in: e.unit) + unit))</span>" }
            }
            let seen =
                e.firstSeen == e.lastSeen
                ? when(e.firstSeen) : "\(when(e.firstSeen)) – \(when(e.lastSeen))"
            out +=
                "<tr><td><span class=\"exc\">\(esc(e.kind.rawValue))</span><br><small>\(esc(e.id))</small></td>"
                + "<td>\(esc(e.source))\(e.account.map { "/" + esc($0) } ?? "")</td><td>\(esc(e.rule))</td>"
                + "<td class=\"figures\">\(figures.joined(separator: "<br>"))</td>"
                + "<td class=\"t\">\(seen)<br><small>age \(esc(e.ageBucket))</small></td>"
                + "<td class=\"prose\">\(esc(e.message))</td></tr>\n"
        }
        return out + "</table></div>"
    }

    /// Columns of sentences, which may wrap anywhere rather than widen the table.
    static let proseColumns: Set<String> = ["message", "note"]

    /// A register as an HTML table. Columns with no value in any row are left out (every column is in the CSV
    /// and JSON files); instants are shown to the second in the report's zone, their exact text kept in
    /// `datetime`; amounts keep their unit and never wrap.
    private func table(
        _ table: ReportTable, zone: DisplayZone, verdictColumn: String? = nil, omitting omitted: Set<String> = []
    ) -> String {
        let shown = table.columns.indices.filter { index in
            !omitted.contains(table.columns[index].name)
                && (table.rows.isEmpty || table.rows.contains { row in row[index] != .null })
        }
        var out =
            "<div class=\"wide\"><table><tr>" + shown.map { "<th>\(esc(table.columns[$0].name))</th>" }.joined()
            + "</tr>\n"
        for row in table.rows {
            out += "<tr>"
            for index in shown {
                let column = table.columns[index].name
                let cell = row[index]
                let text = esc(ReportTable.text(cell, zone: zone, scales: table.scales))
                switch cell {
                case .amount, .integer: out += "<td class=\"n\">\(text)</td>"
                case .instant(let at):
                    let short = String(zone.format(at).prefix(19)).replacingOccurrences(of: "T", with: " ")
                    out += "<td class=\"t\"><time datetime=\"\(text)\" title=\"\(text)\">\(esc(short))</time></td>"
                default:
                    if column == verdictColumn {
                        let verdict =
                            text == "pass" || text == "matched" ? "pass" : text == "skipped" ? "skipped" : "fail"
                        out += "<td class=\"\(verdict)\">\(text)</td>"
                    } else {
                        let style =
                            column == "name"
                            ? " class=\"name\"" : Self.proseColumns.contains(column) ? " class=\"prose\"" : ""
                        out += "<td\(style)>\(text)</td>"
                    }
                }
            }
            out += "</tr>\n"
        }
        return out + "</table></div>"
    }
}
