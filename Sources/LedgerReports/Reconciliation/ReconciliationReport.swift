import LedgerCore
import LedgerStore

/// A reconciliation report: statements, invariant checks, exceptions and statement matching for one period.
public struct ReconciliationReport: Sendable {
    public var parameters: ReportParameters
    /// The ledger's schema version (last migration).
    public var schemaVersion: String
    public var statements: [StatementLine]
    public var checks: [InvariantCheck]
    public var exceptions: [ReportException]
    /// Matching against an external statement, when one was given.
    public var matching: StatementMatching?
    /// The balance over the period of the accounts the HTML report charts (the first `htmlChartLimit` statements).
    public var series: [Int64: [BalancePoint]]
    /// The ledger's display scale of each unit: every amount in the report's files is written at it.
    public var scales: UnitScales
}

/// One movement type's total within a statement line.
public struct MovementTotal: Sendable, Equatable {
    public var type: String
    public var count: Int
    public var amount: FixedDecimal
}

/// A statement for one account and unit: opening + movements = closing, or an exception.
public struct StatementLine: Sendable, Equatable {
    public var account: AccountRef
    public var unit: MoneyUnit?
    /// The balance valid at the period's start; `nil` is NO_OPENING, never a silent 0.
    public var opening: FixedDecimal?
    /// Where the movements came from: `balance_log` (ModelRouter) or `version_changes`.
    public var movementSource: String
    public var movements: [MovementTotal]
    public var movementsTotal: FixedDecimal
    /// opening + movements.
    public var computedClosing: FixedDecimal?
    /// The balance valid at the period's end (`nil`: gone or never reported).
    public var reportedClosing: FixedDecimal?
    /// reported − computed.
    public var difference: FixedDecimal?
    /// The part of the difference beyond the tolerance (0 when within it).
    public var unexplained: FixedDecimal?
    public var tolerance: FixedDecimal
    public var status: StatementStatus
    /// The version ids the opening and closing came from.
    public var openingVersionID: Int64?
    public var closingVersionID: Int64?
}

/// How a statement line came out.
public enum StatementStatus: String, Sendable, CaseIterable, CustomStringConvertible {
    /// opening + movements reaches the reported closing, within the tolerance.
    case ok
    /// No balance was valid at the period's start: the opening is unknown, never 0.
    case noOpening = "no_opening"
    /// opening + movements misses the reported closing by more than the tolerance.
    case unexplainedDifference = "unexplained_difference"
    /// No balance is valid at the period's end (gone, or never reported).
    case missingClosing = "missing_closing"

    public var description: String { rawValue }
}

/// The relation an invariant check tests.
public enum CheckRelation: String, Sendable, CaseIterable, CustomStringConvertible {
    /// actual = expected, within the tolerance.
    case equal
    /// actual ≤ expected + tolerance.
    case atMost = "at_most"

    public var description: String { rawValue }
}

/// One invariant check on one account: expected, actual, difference, tolerance and verdict.
public struct InvariantCheck: Sendable, Equatable {
    public enum Verdict: String, Sendable { case pass, fail, skipped }

    public var account: AccountRef
    public var rule: ReconciliationRule
    public var unit: MoneyUnit?
    public var expected: FixedDecimal?
    public var actual: FixedDecimal?
    public var difference: FixedDecimal?
    public var tolerance: FixedDecimal
    public var verdict: Verdict
    /// Why a check was skipped, or what failed.
    public var note: String?
    /// The relation checked.
    public var relation: CheckRelation
}

/// An entry of the exceptions register.
public struct ReportException: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case noOpening = "NO_OPENING"
        case unexplainedDifference = "UNEXPLAINED_DIFFERENCE"
        case invariantFailed = "INVARIANT_FAILED"
        case conflict = "CONFLICT"
        case stale = "STALE"
        case missingAccount = "MISSING_ACCOUNT"
        case fetchFailed = "FETCH_FAILED"
    }

    /// Stable across runs: derived from the kind, source, account and rule, never from a row id or a time.
    public var id: String
    public var kind: Kind
    public var source: String
    public var account: String?
    /// The rule or detail (`dms.total_available`, `late_arrival`, `timeout`).
    public var rule: String
    public var unit: MoneyUnit?
    public var expected: FixedDecimal?
    public var actual: FixedDecimal?
    public var difference: FixedDecimal?
    public var tolerance: FixedDecimal?
    public var message: String
    public var firstSeen: Instant
    public var lastSeen: Instant
    /// How long before the period's end it was first seen: `<1d`, `1-7d`, `7-30d`, `>30d`.
    public var ageBucket: String
}

/// A point of an account's balance over time.
public struct BalancePoint: Sendable, Equatable {
    public var at: Instant
    public var balance: FixedDecimal?
}

/// The result of matching an external statement against the ledger, one-to-one.
public struct StatementMatching: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case matched
        case amountMismatch = "amount_mismatch"
        case missingInStore = "missing_in_store"
        case missingInStatement = "missing_in_statement"
        case malformed
    }

    public struct Line: Sendable, Equatable {
        public var status: Status
        /// The statement file's line number (none for missing_in_statement).
        public var lineNumber: Int?
        public var source: String
        public var account: String
        public var unit: String
        public var statementAmount: FixedDecimal?
        public var storeAmount: FixedDecimal?
        public var difference: FixedDecimal?
        public var asOf: Instant?
        public var note: String?
    }

    /// The statement file's name as given.
    public var file: String
    public var lines: [Line]

    public func count(_ status: Status) -> Int { lines.filter { $0.status == status }.count }
}
