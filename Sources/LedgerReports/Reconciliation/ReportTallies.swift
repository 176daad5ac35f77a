import LedgerCore

/// The counts and control totals of a report's statement lines, checks and exceptions, kept as they are found.
///
/// The summary and the control totals are made of these, not of the lists: an export streamed to files a chunk of
/// accounts at a time (``ReportExporter/writeCSV(reader:parameters:statement:to:excel:)``) has no list of every
/// line, and gives the same figures.
public struct ReportTallies: Sendable, Equatable {
    /// Statement lines.
    public private(set) var statements = 0
    /// Statement lines whose status is ``StatementStatus/ok``.
    public private(set) var statementsOK = 0
    /// Invariant checks that passed.
    public private(set) var checksPassed = 0
    /// Invariant checks that failed.
    public private(set) var checksFailed = 0
    /// Invariant checks that were skipped.
    public private(set) var checksSkipped = 0
    /// Exceptions.
    public private(set) var exceptions = 0
    private var exceptionsByKind: [ReportException.Kind: Int] = [:]
    private var totals: [MoneyUnit: ControlTotal] = [:]

    /// No lines and no checks yet.
    public init() {}

    /// The control totals per unit, ordered by unit.
    public var controlTotals: [ControlTotal] { totals.keys.sorted().map { totals[$0]! } }

    /// Counts one statement line and adds it to its unit's control totals.
    /// - Throws: `MoneyError` if a total leaves the exact range.
    mutating func add(_ line: StatementLine) throws {
        statements += 1
        if line.status == .ok { statementsOK += 1 }
        guard let unit = line.unit else { return }
        var total = totals[unit] ?? ControlTotal(unit: unit)
        try total.add(line)
        totals[unit] = total
    }

    /// Exceptions of one kind.
    public func exceptions(of kind: ReportException.Kind) -> Int { exceptionsByKind[kind] ?? 0 }

    /// Counts one exception by its kind.
    mutating func add(_ exception: ReportException) {
        exceptions += 1
        exceptionsByKind[exception.kind, default: 0] += 1
    }

    /// Counts one invariant check by its verdict.
    mutating func add(_ check: InvariantCheck) {
        switch check.verdict {
        case .pass: checksPassed += 1
        case .fail: checksFailed += 1
        case .skipped: checksSkipped += 1
        }
    }
}
