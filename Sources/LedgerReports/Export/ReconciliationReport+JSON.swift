import LedgerCore

extension ReconciliationReport {
    /// The JSON report's schema id; a breaking change to its shape bumps the number.
    public static let jsonSchema = "ledgersync.reconciliation/2"

    var parametersJSON: JSONValue {
        let p = parameters
        return .object(
            JSONObject([
                ("from", .string(p.from.iso8601)), ("to", .string(p.to.iso8601)), ("timezone", .string(p.zone.name)),
                ("sources", .array(p.filter.sources.map(JSONValue.string))),
                ("kinds", .array(p.filter.kinds.map { .string($0.rawValue) })),
                ("accounts", .array(p.filter.accounts.map(JSONValue.string))),
                ("name_pattern", p.filter.namePattern.map(JSONValue.string) ?? .null),
                ("units", .array(p.filter.units.map(JSONValue.string))),
                (
                    "tolerances",
                    .object(
                        JSONObject(
                            ReconciliationRule.allCases.map {
                                ($0.rawValue, .string(p.tolerance($0).description))
                            }))
                ),
                ("stale_after_hours", .number(String(p.staleAfterSeconds / 3600))),
            ]))
    }

    var controlTotalsJSON: JSONValue {
        .array(
            controlTotals.map { t in
                func amount(_ value: FixedDecimal) -> JSONValue {
                    ReportTable.amountJSON(value, t.unit, scales: scales)
                }
                return .object(
                    JSONObject([
                        ("unit", .string(t.unit.name)), ("accounts", .number(String(t.accounts))),
                        ("opening", amount(t.opening)), ("movements", amount(t.movements)),
                        ("closing", amount(t.closing)),
                        ("reported_closing", amount(t.reportedClosing)), ("difference", amount(t.difference)),
                        ("missing_closing", .number(String(t.missingClosing))),
                        (
                            "no_opening",
                            .object(
                                JSONObject([
                                    ("accounts", .number(String(t.noOpening.accounts))),
                                    ("movements", amount(t.noOpening.movements)),
                                    ("reported_closing", amount(t.noOpening.reportedClosing)),
                                ]))
                        ),
                    ]))
            })
    }

    var summaryJSON: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("statements", .number(String(tallies.statements))),
            ("statements_ok", .number(String(tallies.statementsOK))),
            ("checks_passed", .number(String(tallies.checksPassed))),
            ("checks_failed", .number(String(tallies.checksFailed))),
            ("checks_skipped", .number(String(tallies.checksSkipped))),
            ("exceptions", .number(String(tallies.exceptions))),
        ]
        members.append(
            (
                "exceptions_by_kind",
                .object(
                    JSONObject(
                        ReportException.Kind.allCases.map { kind in
                            (kind.rawValue, .number(String(tallies.exceptions(of: kind))))
                        }))
            ))
        if let matching {
            members.append(
                (
                    "matching",
                    .object(
                        JSONObject(
                            StatementMatching.Status.allCases.map { status in
                                (status.rawValue, .number(String(matching.count(status))))
                            }))
                ))
        }
        return .object(JSONObject(members))
    }

    /// The whole report as JSON: amounts as strings with unit and scale, times ISO-8601 UTC.
    public func json() throws -> String {
        func rows(_ table: ReportTable) -> JSONValue {
            .array(table.rows.map { table.object($0) })
        }
        var members: [(key: String, value: JSONValue)] = [
            ("schema", .string(Self.jsonSchema)), ("ledger_schema", .string(schemaVersion)),
            ("chain_head", chainHead.json), ("parameters", parametersJSON), ("summary", summaryJSON),
            ("control_totals", controlTotalsJSON),
            ("exceptions", rows(exceptionsTable)), ("statements", rows(statementsTable)), ("checks", rows(checksTable)),
        ]
        if let matchingTable, let matching {
            members.append(
                ("matching", .object(JSONObject([("file", .string(matching.file)), ("lines", rows(matchingTable))]))))
        }
        return JSONValue.object(JSONObject(members)).jsonText + "\n"
    }
}
