/// One account's balance as a source reported it, normalized: what the store turns into a version.
public struct BalanceObservation: Hashable, Sendable {
    /// The account it is about.
    public var account: AccountKey
    /// A name to show for the account (ModelRouter client name, TWCC wallet name), when the source gives one.
    public var displayName: String?
    /// The parent account: a TWCC child wallet's mother wallet, when known.
    public var parent: AccountKey?
    /// When the source last changed the value (ModelRouter gmtModified); `nil` for sources without one.
    public var sourceModifiedAt: Instant?
    /// When the response was produced: its Date header, else the time it was received.
    public var observedAt: Instant
    /// The figures every source maps onto.
    public var figures: BalanceFigures
    /// What only this source reports.
    public var details: SourceDetails

    /// An observation of `account`; see each property.
    public init(
        account: AccountKey, displayName: String? = nil, parent: AccountKey? = nil, sourceModifiedAt: Instant?,
        observedAt: Instant, figures: BalanceFigures, details: SourceDetails
    ) {
        self.account = account
        self.displayName = displayName
        self.parent = parent
        self.sourceModifiedAt = sourceModifiedAt
        self.observedAt = observedAt
        self.figures = figures
        self.details = details
    }

    /// The start of the version's valid time: gmtModified where the source has one, else the observation time.
    public var validFrom: Instant { sourceModifiedAt ?? observedAt }

    /// Every amount the observation holds, figures and details, all in ``BalanceFigures/unit``.
    public var amounts: [FixedDecimal?] {
        let f = figures
        let figureAmounts = [f.availableBalance, f.creditLimit, f.used, f.frozen, f.totalAvailable, f.overdue]
        switch details {
        case .modelRouter: return figureAmounts
        case .dmsCredit(let d): return figureAmounts + [d.availableAmount, d.totalUsedLimit]
        case .twccWallet(let d):
            return figureAmounts
                + [d.originalQuota, d.projectCreditQuota, d.projectPocQuota, d.projectSUQuota, d.projectObtainedSU]
        }
    }
}

/// The normalized figures of a balance, all in one unit. A figure the source does not report is `nil`.
public struct BalanceFigures: Hashable, Sendable {
    /// The unit of every figure.
    public var unit: MoneyUnit
    /// What can be spent now: ModelRouter balance, DMS balance (可用余额), TWCC su_qouta.
    public var availableBalance: FixedDecimal?
    /// The credit limit: DMS credit_limit, TWCC prj_credit_quota.
    public var creditLimit: FixedDecimal?
    /// Credit in use: DMS used_limit (应收账款).
    public var used: FixedDecimal?
    /// Frozen: DMS freezing_amount.
    public var frozen: FixedDecimal?
    /// Balance plus available credit: DMS total_available_amount.
    public var totalAvailable: FixedDecimal?
    /// Overdue: DMS expired_limit.
    public var overdue: FixedDecimal?

    /// Figures in `unit`; a figure the source does not report stays `nil`.
    public init(
        unit: MoneyUnit, availableBalance: FixedDecimal? = nil, creditLimit: FixedDecimal? = nil,
        used: FixedDecimal? = nil, frozen: FixedDecimal? = nil, totalAvailable: FixedDecimal? = nil,
        overdue: FixedDecimal? = nil
    ) {
        self.unit = unit
        self.availableBalance = availableBalance
        self.creditLimit = creditLimit
        self.used = used
        self.frozen = frozen
        self.totalAvailable = totalAvailable
        self.overdue = overdue
    }
}

/// What one kind of source reports beyond the normalized figures.
public enum SourceDetails: Hashable, Sendable {
    /// A ModelRouter client balance.
    case modelRouter(ModelRouterBalanceDetails)
    /// A DMS customer credit.
    case dmsCredit(DMSCreditDetails)
    /// A TWCC wallet.
    case twccWallet(TWCCWalletDetails)
}

/// ModelRouter ClientBalanceDTO fields beyond the balance.
public struct ModelRouterBalanceDetails: Hashable, Sendable {
    /// The balance record's own id.
    public var remoteID: Int64?
    /// `amount` (a currency) or `tokens`.
    public var balanceType: String
    /// Whether the balance is enabled for spending (`enableBalance`).
    public var enableBalance: Bool?
    /// When the balance record was created.
    public var gmtCreate: Instant?
    /// When the source last changed it: the start of the version's valid time.
    public var gmtModified: Instant?

    /// Details as the balance DTO sends them.
    public init(
        remoteID: Int64?, balanceType: String, enableBalance: Bool?, gmtCreate: Instant?, gmtModified: Instant?
    ) {
        self.remoteID = remoteID
        self.balanceType = balanceType
        self.enableBalance = enableBalance
        self.gmtCreate = gmtCreate
        self.gmtModified = gmtModified
    }
}

/// DMS credit fields beyond the normalized figures.
public struct DMSCreditDetails: Hashable, Sendable {
    /// 可用额度: available credit.
    public var availableAmount: FixedDecimal?
    /// 应收账款总额: total receivables.
    public var totalUsedLimit: FixedDecimal?
    /// Whether the customer's credit has no limit (无限额度).
    public var isUnlimitedCredit: Bool
    /// Whether the credit line has expired.
    public var isExpired: Bool
    /// The credit setting label, as sent.
    public var settingCredit: String?
    /// How credit is granted, as sent.
    public var creditMode: String?
    /// The payment term in days, read from text such as "9 天".
    public var accountDays: Int?
    /// The payment term exactly as sent.
    public var accountDaysText: String?
    /// The end of credit as sent; `nil` when the source says "-" (none).
    public var creditEndTime: String?
    /// The org type the customer was read with.
    public var orgType: Int64?
    /// The identity verification label, such as 未认证.
    public var isCheckedName: String?

    /// Details as the credit API sends them.
    public init(
        availableAmount: FixedDecimal?, totalUsedLimit: FixedDecimal?, isUnlimitedCredit: Bool, isExpired: Bool,
        settingCredit: String?, creditMode: String?, accountDays: Int?, accountDaysText: String?,
        creditEndTime: String?, orgType: Int64?, isCheckedName: String?
    ) {
        self.availableAmount = availableAmount
        self.totalUsedLimit = totalUsedLimit
        self.isUnlimitedCredit = isUnlimitedCredit
        self.isExpired = isExpired
        self.settingCredit = settingCredit
        self.creditMode = creditMode
        self.accountDays = accountDays
        self.accountDaysText = accountDaysText
        self.creditEndTime = creditEndTime
        self.orgType = orgType
        self.isCheckedName = isCheckedName
    }
}

/// TWCC wallet fields beyond the normalized figures. Amounts are in SU.
public struct TWCCWalletDetails: Hashable, Sendable {
    /// The project's name.
    public var projectName: String?
    /// The wallet's name (such as 母錢包).
    public var walletName: String?
    /// The wallet's id at TWCC.
    public var walletID: String?
    /// The wallet type, as sent.
    public var walletType: String?
    /// Whether it is the project's mother wallet (是).
    public var isMother: Bool?
    /// The owner's account.
    public var ownerAccount: String?
    /// The owner's name.
    public var ownerName: String?
    /// 錢包剩餘額度: what is left in the wallet.
    public var originalQuota: FixedDecimal?
    /// 計畫信用額度: the project's credit.
    public var projectCreditQuota: FixedDecimal?
    /// 計畫poc額度: the project's PoC quota.
    public var projectPocQuota: FixedDecimal?
    /// 計畫剩餘額度: what is left in the project.
    public var projectSUQuota: FixedDecimal?
    /// 計畫累計可用額度: the project's cumulative quota.
    public var projectObtainedSU: FixedDecimal?

    /// Details as the wallet API sends them.
    public init(
        projectName: String?, walletName: String?, walletID: String?, walletType: String?, isMother: Bool?,
        ownerAccount: String?, ownerName: String?, originalQuota: FixedDecimal?, projectCreditQuota: FixedDecimal?,
        projectPocQuota: FixedDecimal?, projectSUQuota: FixedDecimal?, projectObtainedSU: FixedDecimal?
    ) {
        self.projectName = projectName
        self.walletName = walletName
        self.walletID = walletID
        self.walletType = walletType
        self.isMother = isMother
        self.ownerAccount = ownerAccount
        self.ownerName = ownerName
        self.originalQuota = originalQuota
        self.projectCreditQuota = projectCreditQuota
        self.projectPocQuota = projectPocQuota
        self.projectSUQuota = projectSUQuota
        self.projectObtainedSU = projectObtainedSU
    }
}

/// One ModelRouter balance-change log entry: a movement of a client's balance.
public struct BalanceLogEntry: Hashable, Sendable {
    /// The entry's id at the source.
    public var remoteID: Int64
    /// The client whose balance moved.
    public var clientID: Int64
    /// `auto_deduct`, `deduct` or `recharge`.
    public var changeType: String
    /// Signed: positive for a recharge, negative for a deduction.
    public var changeAmount: FixedDecimal
    /// The balance before the movement, where sent.
    public var balanceBefore: FixedDecimal?
    /// The balance after it, where sent.
    public var balanceAfter: FixedDecimal?
    /// The source's remark.
    public var remark: String?
    /// When the movement happened.
    public var gmtCreate: Instant

    /// An entry as the balance-log API sends it.
    public init(
        remoteID: Int64, clientID: Int64, changeType: String, changeAmount: FixedDecimal,
        balanceBefore: FixedDecimal?, balanceAfter: FixedDecimal?, remark: String?, gmtCreate: Instant
    ) {
        self.remoteID = remoteID
        self.clientID = clientID
        self.changeType = changeType
        self.changeAmount = changeAmount
        self.balanceBefore = balanceBefore
        self.balanceAfter = balanceAfter
        self.remark = remark
        self.gmtCreate = gmtCreate
    }
}
