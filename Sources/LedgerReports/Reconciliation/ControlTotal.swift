import LedgerCore

/// One unit's control totals: the figures that tie a report's files together.
///
/// They roll forward: over the accounts that have an opening balance, opening + movements = closing, exactly.
/// An account without an opening (new in the period, or never reported before it) has no known starting figure,
/// so it is counted apart (``noOpening``) instead of being summed into the opening as if it were 0.
public struct ControlTotal: Sendable, Equatable {
    /// The figures of the accounts without an opening balance.
    public struct WithoutOpening: Sendable, Equatable {
        /// Statement lines without an opening.
        public var accounts = 0
        /// Their movements in the period.
        public var movements = FixedDecimal.zero
        /// Their reported closing balances (those that have one).
        public var reportedClosing = FixedDecimal.zero
    }

    /// The unit every figure is in.
    public var unit: MoneyUnit
    /// Statement lines with an opening balance.
    public var accounts = 0
    /// The sum of their opening balances.
    public var opening = FixedDecimal.zero
    /// The sum of their movements.
    public var movements = FixedDecimal.zero
    /// opening + movements: the closing these accounts roll forward to.
    public var closing = FixedDecimal.zero
    /// The closing balances the source reported for the same accounts (those that have one).
    public var reportedClosing = FixedDecimal.zero
    /// reported − rolled-forward closing, over the accounts that have both.
    public var difference = FixedDecimal.zero
    /// Accounts with an opening but no reported closing (gone, or no balance at the period's end).
    public var missingClosing = 0
    /// The accounts without an opening, apart.
    public var noOpening = WithoutOpening()

    /// Zero totals in `unit`.
    public init(unit: MoneyUnit) {
        self.unit = unit
    }

    /// Adds one statement line of this unit.
    /// - Throws: `MoneyError` if a total leaves the exact range.
    mutating func add(_ line: StatementLine) throws {
        guard let lineOpening = line.opening else {
            noOpening.accounts += 1
            noOpening.movements = try noOpening.movements.adding(line.movementsTotal)
            if let reported = line.reportedClosing {
                noOpening.reportedClosing = try noOpening.reportedClosing.adding(reported)
            }
            return
        }
        accounts += 1
        opening = try opening.adding(lineOpening)
        movements = try movements.adding(line.movementsTotal)
        // The line's computed closing is its opening + movements: summing either way gives the same total.
        closing = try closing.adding(line.computedClosing ?? lineOpening.adding(line.movementsTotal))
        if let reported = line.reportedClosing {
            reportedClosing = try reportedClosing.adding(reported)
            difference = try difference.adding(line.difference ?? .zero)
        } else {
            missingClosing += 1
        }
    }
}
