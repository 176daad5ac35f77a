import Crypto
import Foundation

/// What an alert rule watches.
public enum AlertKind: String, Sendable, Hashable, CaseIterable {
    /// An account's available balance is below a threshold (in one unit).
    case balanceBelow = "balance_below"
    /// An account's credit line ends within some days.
    case creditEnding = "credit_ending"
    /// A source has had no successful sync for some hours.
    case stale
    /// A source's last syncs all failed or were partial.
    case syncFailing = "sync_failing"
    /// The last sync met a conflict for an account.
    case newConflict = "new_conflict"
    /// The last backup `serve` took failed, or the last good one is older than some hours.
    case backup
}

/// One `[[alerts]]` rule of the config: what it watches, which sources and accounts, its threshold, and the
/// webhooks told when it fires and when it resolves.
public struct AlertRule: Sendable, Equatable {
    /// The rule's name, unique in the config (alerts are kept under it).
    public var name: String
    /// What it watches.
    public var kind: AlertKind
    /// The sources it covers; empty for all.
    public var sources: [String]
    /// Accounts whose key or name matches this pattern (`*` and `?`), case-insensitive; `nil` for all.
    public var accountPattern: String?
    /// The unit of the threshold (balance_below).
    public var unit: MoneyUnit?
    /// The threshold (balance_below): it fires when the balance is below it.
    public var below: FixedDecimal?
    /// Days (credit_ending), hours (stale, backup) or runs in a row (sync_failing).
    public var count: Int?
    /// Where its messages go.
    public var webhooks: [AlertWebhook]

    /// A rule; see each property.
    public init(
        name: String, kind: AlertKind, sources: [String] = [], accountPattern: String? = nil, unit: MoneyUnit? = nil,
        below: FixedDecimal? = nil, count: Int? = nil, webhooks: [AlertWebhook] = []
    ) {
        self.name = name
        self.kind = kind
        self.sources = sources
        self.accountPattern = accountPattern
        self.unit = unit
        self.below = below
        self.count = count
        self.webhooks = webhooks
    }
}

/// A webhook an alert rule posts to: its URL, and the secret its messages are signed with (HMAC-SHA256).
public struct AlertWebhook: Sendable, Equatable {
    /// Where messages are posted.
    public var url: String
    /// The signing secret, from the environment or the secrets file; `nil` sends unsigned messages.
    public var secret: Secret?

    /// A webhook at `url`, signed with `secret`.
    public init(url: String, secret: Secret?) {
        self.url = url
        self.secret = secret
    }

    /// How the ledger names the webhook: a digest of its URL, since a URL may carry a credential in its path (a
    /// chat service's hook token) and the ledger keeps none.
    public var id: String {
        "wh-" + SHA256.hash(data: Data(url.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
