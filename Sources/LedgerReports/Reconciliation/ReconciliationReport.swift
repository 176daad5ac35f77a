import LedgerCore
import LedgerStore

/// A reconciliation report: statements, invariant checks, exceptions and statement matching for one period.
public struct ReconciliationReport: Sendable {
    /// The period, filters and tolerances the report was made with.
    public var parameters: ReportParameters
    /// The ledger's schema version (last migration).
    public var schemaVersion: String
    /// The head of the ledger's hash chain when the report was made: `ledgersync verify --expect-head` checks
    /// later that the ledger still holds the history the report was made from.
    public var chainHead: ChainHead
    /// One statement per account and unit, in (source, account) order.
    public var statements: [StatementLine]
    /// Every invariant check of every account, passed, failed or skipped.
    public var checks: [InvariantCheck]
    /// The exceptions register: what needs a person's attention.
    public var exceptions: [ReportException]
    /// Matching against an external statement, when one was given.
    public var matching: StatementMatching?
    /// The balance over the period of the accounts the HTML report charts (the first `htmlChartLimit` statements).
    public var series: [Int64: [BalancePoint]]
    /// The ledger's display scale of each unit: every amount in the report's files is written at it.
    public var scales: UnitScales
    /// The counts and control totals of the statement lines and checks.
    public var tallies: ReportTallies
}

/// One movement type's total within a statement line.
public struct MovementTotal: Sendable, Equatable {
    /// The movement type (a ModelRouter change type, or `change` for version changes).
    public var type: String
    /// Movements of that type.
    public var count: Int
    /// Their signed sum.
    public var amount: FixedDecimal
}

/// A statement for one account and unit: opening + movements = closing, or an exception.
public struct StatementLine: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// The unit of every amount of the line.
    public var unit: MoneyUnit?
    /// The balance valid at the period's start; `nil` is NO_OPENING, never a silent 0.
    public var opening: FixedDecimal?
    /// Where the movements came from: `balance_log` (ModelRouter) or `version_changes`.
    public var movementSource: String
    /// Movement totals per type.
    public var movements: [MovementTotal]
    /// The sum of every movement in the period.
    public var movementsTotal: FixedDecimal
    /// opening + movements.
    public var computedClosing: FixedDecimal?
    /// The balance valid at the period's end (`nil`: gone or never reported).
    public var reportedClosing: FixedDecimal?
    /// reported − computed.
    public var difference: FixedDecimal?
    /// The part of the difference beyond the tolerance (0 when within it).
    public var unexplained: FixedDecimal?
    /// The difference allowed for this unit (the report's tolerances).
    public var tolerance: FixedDecimal
    /// How the line came out.
    public var status: StatementStatus
    /// The version the opening came from.
    public var openingVersionID: Int64?
    /// The version the closing came from.
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
    /// How a check came out.
    public enum Verdict: String, Sendable {
        /// The relation holds within the tolerance.
        case pass
        /// It does not: an INVARIANT_FAILED exception.
        case fail
        /// A figure it needs is missing (the note says which).
        case skipped
    }

    /// The account.
    public var account: AccountRef
    /// The rule checked.
    public var rule: ReconciliationRule
    /// The unit of the figures.
    public var unit: MoneyUnit?
    /// What the rule says the figure should be.
    public var expected: FixedDecimal?
    /// What the source reported.
    public var actual: FixedDecimal?
    /// actual − expected.
    public var difference: FixedDecimal?
    /// The difference allowed.
    public var tolerance: FixedDecimal
    /// Whether it held.
    public var verdict: Verdict
    /// Why a check was skipped, or what failed.
    public var note: String?
    /// The relation checked.
    public var relation: CheckRelation
}

/// An entry of the exceptions register.
public struct ReportException: Sendable, Equatable {
    /// What kind of finding it is.
    public enum Kind: String, Sendable, CaseIterable {
        /// No balance was valid at the period's start.
        case noOpening = "NO_OPENING"
        /// opening + movements misses the closing by more than the tolerance.
        case unexplainedDifference = "UNEXPLAINED_DIFFERENCE"
        /// A source's own figures disagree (an invariant check failed).
        case invariantFailed = "INVARIANT_FAILED"
        /// The sync met a gmtModified conflict in the period.
        case conflict = "CONFLICT"
        /// No fresh data for longer than the stale limit.
        case stale = "STALE"
        /// A complete discovery no longer lists the account.
        case missingAccount = "MISSING_ACCOUNT"
        /// A fetch of the account failed in the period.
        case fetchFailed = "FETCH_FAILED"
    }

    /// Stable across runs: derived from the kind, source, account and rule, never from a row id or a time.
    public var id: String
    /// What kind of finding it is.
    public var kind: Kind
    /// The source instance's name.
    public var source: String
    /// The account's key, when the finding belongs to one.
    public var account: String?
    /// The rule or detail (`dms.total_available`, `late_arrival`, `timeout`).
    public var rule: String
    /// The unit of the figures, if any.
    public var unit: MoneyUnit?
    /// The figure expected, if the finding compares figures.
    public var expected: FixedDecimal?
    /// The figure found.
    public var actual: FixedDecimal?
    /// actual − expected.
    public var difference: FixedDecimal?
    /// The difference allowed.
    public var tolerance: FixedDecimal?
    /// A sentence saying what was found (remote text may be in it: escape it).
    public var message: String
    /// When it was first seen.
    public var firstSeen: Instant
    /// When it was last seen.
    public var lastSeen: Instant
    /// How long before the period's end it was first seen: `<1d`, `1-7d`, `7-30d`, `>30d`.
    public var ageBucket: String
}

/// A point of an account's balance over time.
public struct BalancePoint: Sendable, Equatable {
    /// When the balance took this value.
    public var at: Instant
    /// The available balance from then on; `nil` while the account is gone.
    public var balance: FixedDecimal?
}

/// The result of matching an external statement against the ledger, one-to-one.
public struct StatementMatching: Sendable, Equatable {
    /// How a statement line and the ledger compared.
    public enum Status: String, Sendable, CaseIterable {
        /// The same amount on both sides.
        case matched
        /// Both have the account, with different amounts.
        case amountMismatch = "amount_mismatch"
        /// The statement has an account the ledger does not.
        case missingInStore = "missing_in_store"
        /// The ledger has an account the statement does not.
        case missingInStatement = "missing_in_statement"
        /// The statement line could not be read (the note says why).
        case malformed
    }

    /// One compared account.
    public struct Line: Sendable, Equatable {
        /// How it compared.
        public var status: Status
        /// The statement file's line number (none for missing_in_statement).
        public var lineNumber: Int?
        /// The source instance's name.
        public var source: String
        /// The account's key.
        public var account: String
        /// The unit, as the statement names it.
        public var unit: String
        /// The statement's amount.
        public var statementAmount: FixedDecimal?
        /// The ledger's balance at the statement's time.
        public var storeAmount: FixedDecimal?
        /// statement − ledger.
        public var difference: FixedDecimal?
        /// The instant compared at.
        public var asOf: Instant?
        /// Why a line is malformed, or a detail of the match.
        public var note: String?
    }

    /// The statement file's name as given.
    public var file: String
    /// Every compared account, statement order first.
    public var lines: [Line]

    /// The lines with `status`.
    public func count(_ status: Status) -> Int { lines.filter { $0.status == status }.count }
}
