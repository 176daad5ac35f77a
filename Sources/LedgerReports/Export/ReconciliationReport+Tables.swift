import LedgerCore
import LedgerStore

extension ReconciliationReport {
    typealias Column = ReportTable.Column

    /// `statements.csv`: one row per account and unit.
    public var statementsTable: ReportTable {
        ReportTable(
            columns: Self.statementColumns, rows: statements.map { Self.statementRow($0, scales: scales) },
            scales: scales)
    }

    static let statementColumns = [
        "source", "kind", "account", "name", "unit", "opening", "movement_source", "movements", "movements_total",
        "computed_closing", "reported_closing", "difference", "unexplained", "tolerance", "status",
        "opening_version_id", "closing_version_id",
    ].map { Column($0) }

    static func statementRow(_ s: StatementLine, scales: UnitScales) -> [ReportTable.Cell] {
        [
            .text(s.account.source), .text(s.account.kind.rawValue), .text(s.account.key),
            .text(s.account.displayName), .text(s.unit?.name), .amount(s.opening, s.unit),
            .text(s.movementSource),
            .text(
                s.movements.map { "\($0.type):\($0.count):\(scales.text($0.amount, in: s.unit))" }
                    .joined(separator: ";")),
            .amount(s.movementsTotal, s.unit), .amount(s.computedClosing, s.unit),
            .amount(s.reportedClosing, s.unit),
            .amount(s.difference, s.unit), .amount(s.unexplained, s.unit), .amount(s.tolerance, s.unit),
            .text(s.status.rawValue), .integer(s.openingVersionID), .integer(s.closingVersionID),
        ]
    }

    /// `invariants.csv`: every check with expected, actual, difference, tolerance and verdict.
    public var checksTable: ReportTable {
        ReportTable(columns: Self.checkColumns, rows: checks.map(Self.checkRow), scales: scales)
    }

    static let checkColumns = [
        "source", "kind", "account", "rule", "relation", "unit", "expected", "actual", "difference",
        "tolerance", "verdict", "note",
    ].map { Column($0) }

    static func checkRow(_ c: InvariantCheck) -> [ReportTable.Cell] {
        [
            .text(c.account.source), .text(c.account.kind.rawValue), .text(c.account.key),
            .text(c.rule.rawValue),
            .text(c.relation.rawValue), .text(c.unit?.name), .amount(c.expected, c.unit),
            .amount(c.actual, c.unit),
            .amount(c.difference, c.unit), .amount(c.tolerance, c.unit), .text(c.verdict.rawValue),
            .text(c.note),
        ]
    }

    /// `exceptions.csv`: the exceptions register.
    public var exceptionsTable: ReportTable {
        ReportTable(columns: Self.exceptionColumns, rows: exceptions.map(Self.exceptionRow), scales: scales)
    }

    static let exceptionColumns = [
        "id", "kind", "source", "account", "rule", "unit", "expected", "actual", "difference",
        "tolerance", "first_seen", "last_seen", "age_bucket", "message",
    ].map { Column($0) }

    static func exceptionRow(_ e: ReportException) -> [ReportTable.Cell] {
        [
            .text(e.id), .text(e.kind.rawValue), .text(e.source), .text(e.account), .text(e.rule),
            .text(e.unit?.name),
            .amount(e.expected, e.unit), .amount(e.actual, e.unit), .amount(e.difference, e.unit),
            .amount(e.tolerance, e.unit), .instant(e.firstSeen), .instant(e.lastSeen), .text(e.ageBucket),
            .text(e.message),
        ]
    }

    /// `matching.csv`: the statement matching, when a statement was given.
    public var matchingTable: ReportTable? {
        guard let matching else { return nil }
        let columns = [
            "status", "line", "source", "account", "unit", "statement_amount", "ledger_amount", "difference",
            "as_of", "note",
        ].map { Column($0) }
        return ReportTable(
            columns: columns,
            rows: matching.lines.map { l in
                [
                    .text(l.status.rawValue), .integer(l.lineNumber), .text(l.source), .text(l.account), .text(l.unit),
                    .amount(l.statementAmount, nil), .amount(l.storeAmount, nil), .amount(l.difference, nil),
                    .instant(l.asOf), .text(l.note),
                ]
            }, scales: scales)
    }

    /// `control_totals.csv`: per unit, the roll-forward (opening + movements = closing) over the accounts with an
    /// opening, and the accounts without one counted apart.
    public var controlTotalsTable: ReportTable {
        let columns = [
            "unit", "accounts", "opening", "movements", "closing", "reported_closing", "difference",
            "missing_closing", "no_opening_accounts", "no_opening_movements", "no_opening_closing",
        ].map { Column($0) }
        return ReportTable(
            columns: columns,
            rows: controlTotals.map { t in
                [
                    .text(t.unit.name), .integer(t.accounts), .amount(t.opening, t.unit),
                    .amount(t.movements, t.unit),
                    .amount(t.closing, t.unit), .amount(t.reportedClosing, t.unit), .amount(t.difference, t.unit),
                    .integer(t.missingClosing), .integer(t.noOpening.accounts),
                    .amount(t.noOpening.movements, t.unit),
                    .amount(t.noOpening.reportedClosing, t.unit),
                ]
            }, scales: scales)
    }

    /// The control totals per unit, ordered by unit.
    public var controlTotals: [ControlTotal] { tallies.controlTotals }
}
