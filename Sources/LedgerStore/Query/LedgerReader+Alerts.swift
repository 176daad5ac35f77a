import GRDB
import LedgerCore

/// An alert as kept in the ledger.
public struct AlertRow: Sendable, Equatable {
    /// The alert's id.
    public var id: Int64
    /// The rule's name.
    public var rule: String
    /// What the rule watches.
    public var kind: AlertKind
    /// What it holds for: `source/account`, or a source's name.
    public var subject: String
    /// The source, when the subject is in one.
    public var source: String?
    /// The account's key, when the subject is an account.
    public var account: String?
    /// Whether it is firing now.
    public var firing: Bool
    /// When it began firing.
    public var firingSince: Instant
    /// When it resolved; `nil` while firing.
    public var resolvedAt: Instant?
    /// What held, as a sentence (escape it).
    public var message: String
    /// The exact figures, as JSON text.
    public var figures: String

    /// An alert read from either store.
    package init(
        id: Int64, rule: String, kind: AlertKind, subject: String, source: String?, account: String?, firing: Bool,
        firingSince: Instant, resolvedAt: Instant?, message: String, figures: String
    ) {
        self.id = id
        self.rule = rule
        self.kind = kind
        self.subject = subject
        self.source = source
        self.account = account
        self.firing = firing
        self.firingSince = firingSince
        self.resolvedAt = resolvedAt
        self.message = message
        self.figures = figures
    }
}

/// A message owed to a webhook.
public struct PendingDelivery: Sendable, Equatable {
    /// The delivery's id.
    public var id: Int64
    /// The alert it is about.
    public var alert: AlertRow
    /// `firing` or `resolved`.
    public var event: String
    /// Where it goes.
    public var webhook: String
    /// Attempts made so far.
    public var attempts: Int

    /// A delivery read from either store.
    package init(id: Int64, alert: AlertRow, event: String, webhook: String, attempts: Int) {
        self.id = id
        self.alert = alert
        self.event = event
        self.webhook = webhook
        self.attempts = attempts
    }
}

extension LedgerReader {
    /// Alerts firing now, and those resolved since `resolvedSince`, newest first.
    /// - Throws: ``QueryError`` when the store fails.
    public func alerts(resolvedSince: Instant? = nil, limit: Int = 1_000) throws(QueryError) -> [AlertRow] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM alert_state
                    WHERE state = 'firing' OR (?1 IS NOT NULL AND resolved_at >= ?1)
                    ORDER BY firing_since DESC, id DESC LIMIT ?2
                    """, arguments: [resolvedSince?.millisecondsSinceEpoch, limit]
            ).map(Self.alertRow)
        }
    }

    /// Deliveries due at `now`, oldest first.
    /// - Throws: ``QueryError`` when the store fails.
    public func dueDeliveries(now: Instant, limit: Int = 100) throws(QueryError) -> [PendingDelivery] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id AS delivery_id, d.event, d.webhook, d.attempts, a.*
                    FROM alert_delivery d JOIN alert_state a ON a.id = d.alert_id
                    WHERE d.status = 'pending' AND d.next_attempt_at <= ?
                    ORDER BY d.next_attempt_at, d.id LIMIT ?
                    """, arguments: [now.millisecondsSinceEpoch, limit]
            ).map { row in
                PendingDelivery(
                    id: row["delivery_id"], alert: try Self.alertRow(row), event: row["event"], webhook: row["webhook"],
                    attempts: row["attempts"])
            }
        }
    }

    /// When the next pending delivery is due, if any is pending.
    /// - Throws: ``QueryError`` when the store fails.
    public func nextDeliveryDue() throws(QueryError) -> Instant? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM alert_delivery WHERE status = 'pending'")
                .map(Instant.init(millisecondsSinceEpoch:))
        }
    }

    static func alertRow(_ row: Row) throws(StoreError) -> AlertRow {
        AlertRow(
            id: row["id"], rule: row["rule"],
            kind: try StoredEnum.decode(AlertKind.self, row, "kind", table: "alert_state"),
            subject: row["subject"], source: row["source"], account: row["account_key"],
            firing: (row["state"] as String) == "firing",
            firingSince: Instant(millisecondsSinceEpoch: row["firing_since"]),
            resolvedAt: (row["resolved_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            message: row["message"], figures: row["figures"])
    }
}
