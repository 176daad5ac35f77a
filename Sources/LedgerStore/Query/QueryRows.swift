import LedgerCore

/// An account as queries show it.
public struct AccountRef: Sendable, Hashable {
    /// The ledger's id of the account (stable across runs, not across ledgers).
    public var accountID: Int64
    /// The source instance's name (`[sources.NAME]`).
    public var source: String
    /// The kind of the source.
    public var kind: SourceKind
    /// The account's key at its source: a client id, `ORG_ID:ORG_TYPE`, or `PRJ_SYS_CODE/WALLET_CODE`.
    public var key: String
    /// The name the source gives it (a remote string: escape it in every output), if any.
    public var displayName: String?

    /// Every field; for the stores that build rows.
    package init(accountID: Int64, source: String, kind: SourceKind, key: String, displayName: String?) {
        self.accountID = accountID
        self.source = source
        self.kind = kind
        self.key = key
        self.displayName = displayName
    }
}

/// A balance version: one account's figures over a valid interval, as recorded at a time.
///
/// Figures the source does not have are `nil`: ModelRouter has only an available balance, DMS and TWCC have
/// credit figures. All figures of a version share its ``unit``.
public struct BalanceRow: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// The version's id.
    public var versionID: Int64
    /// `present`, or `gone` when a complete discovery no longer listed the account.
    public var state: VersionState
    /// The unit of every figure; `nil` for a `gone` version.
    public var unit: MoneyUnit?
    /// What can still be spent (ModelRouter balance, DMS available credit, TWCC remaining SU).
    public var availableBalance: FixedDecimal?
    /// The credit line granted (DMS, TWCC).
    public var creditLimit: FixedDecimal?
    /// The credit used (DMS, TWCC).
    public var used: FixedDecimal?
    /// Credit held back and not usable (DMS).
    public var frozen: FixedDecimal?
    /// Available balance plus available credit, as the source reports it (DMS).
    public var totalAvailable: FixedDecimal?
    /// The amount past due (DMS).
    public var overdue: FixedDecimal?
    /// When the figures became true at the source (valid time).
    public var validFrom: Instant
    /// When the next version took over; `nil` while current.
    public var validTo: Instant?
    /// When the ledger recorded the version (transaction time).
    public var recordedAt: Instant
    /// When a later recording replaced this one for the same valid interval (a late arrival); `nil` if never.
    public var supersededAt: Instant?
    /// The source's own modification time (ModelRouter `gmtModified`), where it sends one.
    public var sourceModifiedAt: Instant?
    /// When the response carrying it arrived.
    public var observedAt: Instant
    /// A conflict left this version in place but in doubt.
    public var flagged: Bool
    /// The run that recorded it; `nil` for a rebuild.
    public var runID: Int64?

    /// Every field; for the stores that build rows.
    package init(
        account: AccountRef, versionID: Int64, state: VersionState, unit: MoneyUnit?, availableBalance: FixedDecimal?,
        creditLimit: FixedDecimal?, used: FixedDecimal?, frozen: FixedDecimal?, totalAvailable: FixedDecimal?,
        overdue: FixedDecimal?, validFrom: Instant, validTo: Instant?, recordedAt: Instant, supersededAt: Instant?,
        sourceModifiedAt: Instant?, observedAt: Instant, flagged: Bool, runID: Int64?
    ) {
        self.account = account
        self.versionID = versionID
        self.state = state
        self.unit = unit
        self.availableBalance = availableBalance
        self.creditLimit = creditLimit
        self.used = used
        self.frozen = frozen
        self.totalAvailable = totalAvailable
        self.overdue = overdue
        self.validFrom = validFrom
        self.validTo = validTo
        self.recordedAt = recordedAt
        self.supersededAt = supersededAt
        self.sourceModifiedAt = sourceModifiedAt
        self.observedAt = observedAt
        self.flagged = flagged
        self.runID = runID
    }
}

/// A version that started inside a window, beside the one it followed.
public struct ChangeRow: Sendable, Equatable {
    /// The account.
    public var account: AccountRef
    /// The axis time of the change: the version's valid-from, or its recorded time.
    public var at: Instant
    /// The new version.
    public var versionID: Int64
    /// The version it followed; `nil` for the account's first.
    public var previousVersionID: Int64?
    /// The state before; `nil` for the account's first version.
    public var stateBefore: VersionState?
    /// The state after.
    public var stateAfter: VersionState
    /// The unit before, if there was a present version.
    public var unitBefore: MoneyUnit?
    /// The unit after, if the account is present.
    public var unitAfter: MoneyUnit?
    /// The available balance before.
    public var before: FixedDecimal?
    /// The available balance after.
    public var after: FixedDecimal?
    /// `after - before`, only when both exist in the same unit.
    public var delta: FixedDecimal?

    /// Every field; for the stores that build rows.
    package init(
        account: AccountRef, at: Instant, versionID: Int64, previousVersionID: Int64?, stateBefore: VersionState?,
        stateAfter: VersionState, unitBefore: MoneyUnit?, unitAfter: MoneyUnit?, before: FixedDecimal?,
        after: FixedDecimal?, delta: FixedDecimal?
    ) {
        self.account = account
        self.at = at
        self.versionID = versionID
        self.previousVersionID = previousVersionID
        self.stateBefore = stateBefore
        self.stateAfter = stateAfter
        self.unitBefore = unitBefore
        self.unitAfter = unitAfter
        self.before = before
        self.after = after
        self.delta = delta
    }
}

/// A conflict the sync recorded on gmtModified.
public struct ConflictRow: Sendable, Equatable {
    /// The conflict's id.
    public var id: Int64
    /// The account.
    public var account: AccountRef
    /// What disagreed: a late arrival, or the same gmtModified with other content.
    public var kind: ConflictKind
    /// What the sync did about it.
    public var resolution: ConflictResolution
    /// The stored version it met, if one.
    public var storedVersionID: Int64?
    /// The stored version's valid-from.
    public var storedValidFrom: Instant?
    /// The stored version's canonical content (JSON text).
    public var storedContent: String?
    /// The incoming observation's valid-from.
    public var incomingValidFrom: Instant
    /// The incoming observation's canonical content (JSON text).
    public var incomingContent: String
    /// When the sync met it.
    public var detectedAt: Instant
    /// The run that met it; `nil` for a rebuild.
    public var runID: Int64?

    /// Every field; for the stores that build rows.
    package init(
        id: Int64, account: AccountRef, kind: ConflictKind, resolution: ConflictResolution, storedVersionID: Int64?,
        storedValidFrom: Instant?, storedContent: String?, incomingValidFrom: Instant, incomingContent: String,
        detectedAt: Instant, runID: Int64?
    ) {
        self.id = id
        self.account = account
        self.kind = kind
        self.resolution = resolution
        self.storedVersionID = storedVersionID
        self.storedValidFrom = storedValidFrom
        self.storedContent = storedContent
        self.incomingValidFrom = incomingValidFrom
        self.incomingContent = incomingContent
        self.detectedAt = detectedAt
        self.runID = runID
    }
}

/// A run of `ledgersync sync`, with its counts summed over sources.
public struct RunRow: Sendable, Equatable {
    /// The run's id, increasing with time.
    public var id: Int64
    /// When it started.
    public var startedAt: Instant
    /// When it ended; `nil` while running (or if the process died: the next run marks it interrupted).
    public var endedAt: Instant?
    /// How it ended.
    public var status: RunStatus
    /// Online, or replayed from a capture.
    public var mode: RunMode
    /// Sources synced.
    public var sources: Int
    /// Accounts targeted.
    public var targets: Int
    /// New versions recorded.
    public var versionsAdded: Int
    /// Accounts fetched and found unchanged.
    public var unchanged: Int
    /// Accounts marked gone.
    public var gone: Int
    /// Conflicts met.
    public var conflicts: Int
    /// Failed fetches.
    public var errors: Int
    /// Payloads that did not decode.
    public var quarantined: Int
    /// Movements (balance-log entries) added.
    public var logEntries: Int
    /// Why it failed or was interrupted, if it says.
    public var message: String?

    /// Every field; for the stores that build rows.
    package init(
        id: Int64, startedAt: Instant, endedAt: Instant?, status: RunStatus, mode: RunMode, sources: Int, targets: Int,
        versionsAdded: Int, unchanged: Int, gone: Int, conflicts: Int, errors: Int, quarantined: Int, logEntries: Int,
        message: String?
    ) {
        self.id = id
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.mode = mode
        self.sources = sources
        self.targets = targets
        self.versionsAdded = versionsAdded
        self.unchanged = unchanged
        self.gone = gone
        self.conflicts = conflicts
        self.errors = errors
        self.quarantined = quarantined
        self.logEntries = logEntries
        self.message = message
    }
}

/// A failed fetch or a quarantined payload.
public struct ErrorRow: Sendable, Equatable {
    /// `fetch_error` or `quarantine`.
    public var type: String
    /// The row's id within its type.
    public var id: Int64
    /// The run it happened in.
    public var runID: Int64?
    /// The source instance's name.
    public var source: String
    /// The account's key, when the failure belongs to one.
    public var accountKey: String?
    /// What was being fetched (an account, a list page), as the sync names it.
    public var target: String
    /// The error kind (fetch errors) or `quarantined`.
    public var kind: String
    /// The HTTP status of the answer, if one came.
    public var httpStatus: Int?
    /// What went wrong (secrets are never in it; remote text may be: escape it).
    public var message: String
    /// When it happened.
    public var occurredAt: Instant

    /// Every field; for the stores that build rows.
    package init(
        type: String, id: Int64, runID: Int64?, source: String, accountKey: String?, target: String, kind: String,
        httpStatus: Int?, message: String, occurredAt: Instant
    ) {
        self.type = type
        self.id = id
        self.runID = runID
        self.source = source
        self.accountKey = accountKey
        self.target = target
        self.kind = kind
        self.httpStatus = httpStatus
        self.message = message
        self.occurredAt = occurredAt
    }
}

/// A ModelRouter balance-log entry: one movement of a client's balance.
public struct MovementRow: Sendable, Equatable {
    /// The ledger's id of the entry.
    public var id: Int64
    /// The account.
    public var account: AccountRef
    /// The entry's id at the source.
    public var remoteID: Int64
    /// The source's change type (such as a top-up or a charge), as sent.
    public var changeType: String
    /// The unit of the amounts: the client's balance unit.
    public var unit: MoneyUnit
    /// The signed amount of the movement.
    public var amount: FixedDecimal
    /// The balance before it, where the source says.
    public var balanceBefore: FixedDecimal?
    /// The balance after it, where the source says.
    public var balanceAfter: FixedDecimal?
    /// The source's remark (a remote string).
    public var remark: String?
    /// When it happened at the source (`gmtCreate`).
    public var at: Instant

    /// Every field; for the stores that build rows.
    package init(
        id: Int64, account: AccountRef, remoteID: Int64, changeType: String, unit: MoneyUnit, amount: FixedDecimal,
        balanceBefore: FixedDecimal?, balanceAfter: FixedDecimal?, remark: String?, at: Instant
    ) {
        self.id = id
        self.account = account
        self.remoteID = remoteID
        self.changeType = changeType
        self.unit = unit
        self.amount = amount
        self.balanceBefore = balanceBefore
        self.balanceAfter = balanceAfter
        self.remark = remark
        self.at = at
    }
}

/// The sum of available balances of one source in one unit (never across units).
public struct TotalRow: Sendable, Equatable {
    /// The source instance's name.
    public var source: String
    /// The kind of the source.
    public var kind: SourceKind
    /// The unit every sum is in.
    public var unit: MoneyUnit
    /// Accounts summed.
    public var accounts: Int
    /// The sum of available balances.
    public var availableBalance: FixedDecimal
    /// The sum of credit limits, where the source has them.
    public var creditLimit: FixedDecimal?
    /// The sum of credit used, where the source has them.
    public var used: FixedDecimal?

    /// Every field; for the stores that build rows.
    package init(
        source: String, kind: SourceKind, unit: MoneyUnit, accounts: Int, availableBalance: FixedDecimal,
        creditLimit: FixedDecimal?, used: FixedDecimal?
    ) {
        self.source = source
        self.kind = kind
        self.unit = unit
        self.accounts = accounts
        self.availableBalance = availableBalance
        self.creditLimit = creditLimit
        self.used = used
    }
}
