import GRDB
import LedgerCore

/// A rule's condition that holds now for one subject, as an evaluation found it.
public struct AlertFiring: Sendable, Equatable {
    /// The rule's name.
    public var rule: String
    /// What the rule watches.
    public var kind: AlertKind
    /// What it holds for: `source/account` for an account, the source's name for a source.
    public var subject: String
    /// The source, when the subject is in one.
    public var source: String?
    /// The account's key, when the subject is an account.
    public var account: String?
    /// A sentence saying what holds (remote names may be in it: escape it).
    public var message: String
    /// The exact figures behind it, as JSON text (amounts as strings).
    public var figures: String

    /// A condition of `rule` for `subject`.
    public init(
        rule: String, kind: AlertKind, subject: String, source: String?, account: String?, message: String,
        figures: String
    ) {
        self.rule = rule
        self.kind = kind
        self.subject = subject
        self.source = source
        self.account = account
        self.message = message
        self.figures = figures
    }
}

/// What recording an evaluation changed: the alerts that began firing and those that resolved.
public struct AlertChanges: Sendable, Equatable {
    /// Ids of alerts that began firing.
    public var fired: [Int64] = []
    /// Ids of alerts that resolved.
    public var resolved: [Int64] = []
}

extension LedgerTransaction {
    /// Records one evaluation of `rules`: a condition not yet firing starts an alert, one still firing updates its
    /// figures, a firing alert whose condition no longer holds resolves. Each start and each resolution owes one
    /// message to each of the rule's webhooks. Alerts of rules not evaluated are left as they are.
    /// - Parameters:
    ///   - firings: The conditions that hold now.
    ///   - rules: The rules evaluated, with their webhooks' URLs.
    public func recordAlerts(
        _ firings: [AlertFiring], rules: [(name: String, webhooks: [String])]
    ) throws
        -> AlertChanges
    {
        var changes = AlertChanges()
        let webhooks = Dictionary(rules.map { ($0.name, $0.webhooks) }, uniquingKeysWith: { first, _ in first })
        var open: [String: Int64] = [:]
        for name in webhooks.keys {
            for row in try Row.fetchAll(
                db, sql: "SELECT id, subject FROM alert_state WHERE rule = ? AND state = 'firing'", arguments: [name])
            {
                open["\(name)\u{1F}\(row["subject"] as String)"] = row["id"]
            }
        }
        let at = now.millisecondsSinceEpoch
        for firing in firings where webhooks[firing.rule] != nil {
            let key = "\(firing.rule)\u{1F}\(firing.subject)"
            if let id = open.removeValue(forKey: key) {
                try db.execute(
                    sql: "UPDATE alert_state SET message = ?, figures = ? WHERE id = ?",
                    arguments: [firing.message, firing.figures, id])
                continue
            }
            try db.execute(
                sql: """
                    INSERT INTO alert_state (rule, kind, subject, source, account_key, state, firing_since, message, figures)
                    VALUES (?, ?, ?, ?, ?, 'firing', ?, ?, ?)
                    """,
                arguments: [
                    firing.rule, firing.kind.rawValue, firing.subject, firing.source, firing.account, at,
                    firing.message, firing.figures,
                ])
            let id = db.lastInsertedRowID
            try appendLinks([Self.alertLink(id: id, event: .firing, db)])
            changes.fired.append(id)
            try owe(alert: id, event: "firing", webhooks: webhooks[firing.rule] ?? [])
        }
        for (key, id) in open {
            try db.execute(
                sql: "UPDATE alert_state SET state = 'resolved', resolved_at = max(firing_since, ?) WHERE id = ?",
                arguments: [at, id])
            try appendLinks([Self.alertLink(id: id, event: .resolved, db)])
            changes.resolved.append(id)
            let rule = String(key.prefix { $0 != "\u{1F}" })
            try owe(alert: id, event: "resolved", webhooks: webhooks[rule] ?? [])
        }
        return changes
    }

    private func owe(alert: Int64, event: String, webhooks: [String]) throws {
        for url in webhooks {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO alert_delivery (alert_id, event, webhook, status, next_attempt_at)
                    VALUES (?, ?, ?, 'pending', ?)
                    """, arguments: [alert, event, url, now.millisecondsSinceEpoch])
        }
    }

    /// Records a delivery's outcome: delivered, or failed with the next attempt's time (or given up).
    /// - Parameters:
    ///   - id: The delivery.
    ///   - error: `nil` when the webhook took it; else why not.
    ///   - nextAttemptAt: When to try again; `nil` to give up.
    public func recordDelivery(id: Int64, error: String?, nextAttemptAt: Instant?) throws {
        if let error {
            try db.execute(
                sql: """
                    UPDATE alert_delivery SET attempts = attempts + 1, last_error = ?,
                        status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
                        next_attempt_at = coalesce(?, next_attempt_at)
                    WHERE id = ?
                    """,
                arguments: [
                    String(error.prefix(500)), nextAttemptAt?.millisecondsSinceEpoch,
                    nextAttemptAt?.millisecondsSinceEpoch, id,
                ])
        } else {
            try db.execute(
                sql: """
                    UPDATE alert_delivery SET attempts = attempts + 1, status = 'delivered', delivered_at = ?,
                        last_error = NULL
                    WHERE id = ?
                    """, arguments: [now.millisecondsSinceEpoch, id])
        }
    }
}
