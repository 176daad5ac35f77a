import LedgerCore

extension ReconciliationReport {
    /// Whether the report found nothing to act on: no exception and no statement line left unmatched.
    ///
    /// Counted from ``tallies``, so a streamed report (``ReportExporter/writeCSV(reader:parameters:statement:to:excel:)``),
    /// which keeps only the sync's exceptions, is not called clean for want of the rest.
    public var isClean: Bool {
        tallies.exceptions == 0 && (matching?.lines.allSatisfy { $0.status == .matched } ?? true)
    }

    /// The lines `ledgersync check` prints: one summary line when clean, else one line per finding in the form
    /// `source/account/rule: expected X, got Y, diff D (tol T)`.
    public var checkLines: [String] {
        let zone = parameters.zone
        guard !isClean else {
            let passed = tallies.checksPassed
            let skipped = tallies.checksSkipped
            var line =
                "ok: \(tallies.statements) accounts reconciled for \(zone.format(parameters.from)) – "
                + "\(zone.format(parameters.to)), \(passed) checks passed, \(skipped) skipped, 0 exceptions"
            if let matching { line += ", \(matching.count(.matched)) statement lines matched" }
            return [line]
        }
        var lines: [String] = []
        for e in exceptions {
            let head = "\(e.source)/\(e.account ?? "-")/\(e.rule)"
            let unit = e.unit.map { " " + $0.name } ?? ""
            if let expected = e.expected, let actual = e.actual {
                func text(_ value: FixedDecimal?) -> String { value.map { scales.text($0, in: e.unit) } ?? "-" }
                lines.append(
                    "\(head): expected \(text(expected))\(unit), got \(text(actual))\(unit), "
                        + "diff \(text(e.difference)) (tol \(e.tolerance.map { scales.text($0, in: e.unit) } ?? "0")) "
                        + "[\(e.kind.rawValue) \(e.id)]")
            } else {
                lines.append("\(head): \(e.message) [\(e.kind.rawValue) \(e.id)]")
            }
        }
        for line in matching?.lines ?? [] where line.status != .matched {
            let head =
                "\(line.source.isEmpty ? "-" : line.source)/\(line.account.isEmpty ? "-" : line.account)/statement"
            let at = line.lineNumber.map { " (line \($0))" } ?? ""
            switch line.status {
            case .amountMismatch:
                let unit = try? MoneyUnit(line.unit)
                func text(_ value: FixedDecimal?) -> String { value.map { scales.text($0, in: unit) } ?? "-" }
                lines.append(
                    "\(head): expected \(text(line.statementAmount)) \(line.unit), got "
                        + "\(text(line.storeAmount)) \(line.unit), diff \(text(line.difference)) "
                        + "(tol \(text(.zero)))\(at) [AMOUNT_MISMATCH]")
            default:
                lines.append(
                    "\(head): \(line.note ?? line.status.rawValue)\(at) [\(line.status.rawValue.uppercased())]")
            }
        }
        return lines
    }

    /// `ledgersync check --json`: the summary and every finding.
    public func checkJSON() throws -> String {
        func rows(_ table: ReportTable) -> JSONValue { .array(table.rows.map { table.object($0) }) }
        var members: [(key: String, value: JSONValue)] = [
            ("schema", .string(Self.jsonSchema)), ("clean", .bool(isClean)), ("chain_head", chainHead.json),
            ("parameters", parametersJSON),
            ("summary", summaryJSON), ("exceptions", rows(exceptionsTable)),
        ]
        if let matchingTable {
            let unmatched = ReportTable(
                columns: matchingTable.columns,
                rows: matchingTable.rows.filter {
                    $0.first != .text(StatementMatching.Status.matched.rawValue)
                })
            members.append(("unmatched_statement_lines", rows(unmatched)))
        }
        return JSONValue.object(JSONObject(members)).jsonText + "\n"
    }
}
