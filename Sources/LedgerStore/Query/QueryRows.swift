import LedgerCore

/// An account as queries show it.
public struct AccountRef: Sendable, Hashable {
    public var accountID: Int64
    public var source: String
    public var kind: SourceKind
    public var key: String
    public var displayName: String?
}

/// A balance version: one account's figures over a valid interval, as recorded at a time.
public struct BalanceRow: Sendable, Equatable {
    public var account: AccountRef
    public var versionID: Int64
    /// `present`, or `gone` when a complete discovery no longer listed the account.
    public var state: VersionState
    public var unit: MoneyUnit?
    public var availableBalance: FixedDecimal?
    public var creditLimit: FixedDecimal?
    public var used: FixedDecimal?
    public var frozen: FixedDecimal?
    public var totalAvailable: FixedDecimal?
    public var overdue: FixedDecimal?
    public var validFrom: Instant
    public var validTo: Instant?
    public var recordedAt: Instant
    public var supersededAt: Instant?
    public var sourceModifiedAt: Instant?
    public var observedAt: Instant
    /// A conflict left this version in place but in doubt.
    public var flagged: Bool
    public var runID: Int64?
}

/// A version that started inside a window, beside the one it followed.
public struct ChangeRow: Sendable, Equatable {
    public var account: AccountRef
    /// The axis time of the change: the version's valid-from, or its recorded time.
    public var at: Instant
    public var versionID: Int64
    public var previousVersionID: Int64?
    public var stateBefore: VersionState?
    public var stateAfter: VersionState
    public var unitBefore: MoneyUnit?
    public var unitAfter: MoneyUnit?
    public var before: FixedDecimal?
    public var after: FixedDecimal?
    /// `after - before`, only when both exist in the same unit.
    public var delta: FixedDecimal?
}

/// A conflict the sync recorded on gmtModified.
public struct ConflictRow: Sendable, Equatable {
    public var id: Int64
    public var account: AccountRef
    public var kind: ConflictKind
    public var resolution: ConflictResolution
    public var storedVersionID: Int64?
    public var storedValidFrom: Instant?
    public var storedContent: String?
    public var incomingValidFrom: Instant
    public var incomingContent: String
    public var detectedAt: Instant
    public var runID: Int64?
}

/// A run of `ledgersync sync`, with its counts summed over sources.
public struct RunRow: Sendable, Equatable {
    public var id: Int64
    public var startedAt: Instant
    public var endedAt: Instant?
    public var status: RunStatus
    public var mode: RunMode
    public var sources: Int
    public var targets: Int
    public var versionsAdded: Int
    public var unchanged: Int
    public var gone: Int
    public var conflicts: Int
    public var errors: Int
    public var quarantined: Int
    public var logEntries: Int
    public var message: String?
}

/// A failed fetch or a quarantined payload.
public struct ErrorRow: Sendable, Equatable {
    /// `fetch_error` or `quarantine`.
    public var type: String
    public var id: Int64
    public var runID: Int64?
    public var source: String
    public var accountKey: String?
    public var target: String
    /// The error kind (fetch errors) or `quarantined`.
    public var kind: String
    public var httpStatus: Int?
    public var message: String
    public var occurredAt: Instant
}

/// A ModelRouter balance-log entry: one movement of a client's balance.
public struct MovementRow: Sendable, Equatable {
    public var id: Int64
    public var account: AccountRef
    public var remoteID: Int64
    public var changeType: String
    public var unit: MoneyUnit
    public var amount: FixedDecimal
    public var balanceBefore: FixedDecimal?
    public var balanceAfter: FixedDecimal?
    public var remark: String?
    public var at: Instant
}

/// The sum of available balances of one source in one unit (never across units).
public struct TotalRow: Sendable, Equatable {
    public var source: String
    public var kind: SourceKind
    public var unit: MoneyUnit
    public var accounts: Int
    public var availableBalance: FixedDecimal
    public var creditLimit: FixedDecimal?
    public var used: FixedDecimal?
}
