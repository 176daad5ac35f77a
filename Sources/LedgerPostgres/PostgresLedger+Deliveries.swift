import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

extension PostgresLedger {
    /// Claims the webhook messages due at `now` for this instance to send: each due message goes to one instance.
    ///
    /// Several `serve` instances deliver from one ledger. A claim takes the due rows no other transaction holds
    /// (`FOR UPDATE SKIP LOCKED`, so two instances claiming at once get disjoint sets and neither waits) and moves
    /// their next attempt `lease` ahead in the same statement, so that once committed no other instance finds them
    /// due. The sender then records the outcome (delivered, or the next attempt), which replaces the lease. An
    /// instance that dies holding a claim leaves it to expire: the message is sent again after `lease`, at least
    /// once, as a restart of a single server would.
    /// - Parameters:
    ///   - now: The time the claim is made.
    ///   - lease: How long the claim keeps the messages from the others.
    ///   - limit: The most messages claimed.
    /// - Returns: The claimed messages, oldest due first.
    /// - Throws: ``StoreError`` when the store fails, or holds an alert kind this build does not know.
    public func claimDueDeliveries(
        now: Instant, lease: Duration, limit: Int = 100
    ) async throws(StoreError) -> [PendingDelivery] {
        let now = now.millisecondsSinceEpoch
        let until = now + lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    WITH claimed AS (
                        UPDATE alert_delivery SET next_attempt_at = \(until)
                        WHERE id IN (
                            SELECT id FROM alert_delivery
                            WHERE status = 'pending' AND next_attempt_at <= \(now)
                            ORDER BY next_attempt_at, id LIMIT \(limit)
                            FOR UPDATE SKIP LOCKED)
                        RETURNING id, alert_id, event, webhook, attempts, next_attempt_at
                    )
                    SELECT c.id, c.event, c.webhook, c.attempts, a.id, a.rule, a.kind, a.subject, a.source,
                        a.account_key, a.state, a.firing_since, a.resolved_at, a.message, a.figures
                    FROM claimed AS c JOIN alert_state AS a ON a.id = c.alert_id
                    ORDER BY c.id
                    """, logger: logger)
                var claimed: [PendingDelivery] = []
                for try await row in rows { claimed.append(try Self.delivery(row)) }
                return claimed
            }
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    /// A claimed delivery and its alert, from one row of the claim.
    private static func delivery(_ row: PostgresRow) throws -> PendingDelivery {
        let (
            deliveryID, event, webhook, attempts, id, rule, kind, subject, source, account, state, firingSince,
            resolvedAt, message, figures
        ) = try row.decode(
            (
                Int64, String, String, Int32, Int64, String, String, String, String?, String?, String, Int64, Int64?,
                String, String
            ).self)
        guard let alertKind = AlertKind(rawValue: kind) else {
            throw StoreError(.unexpectedValue(table: "alert_state", column: "kind", value: kind))
        }
        let alert = AlertRow(
            id: id, rule: rule, kind: alertKind, subject: subject, source: source, account: account,
            firing: state == "firing", firingSince: Instant(millisecondsSinceEpoch: firingSince),
            resolvedAt: resolvedAt.map(Instant.init(millisecondsSinceEpoch:)), message: message, figures: figures)
        return PendingDelivery(id: deliveryID, alert: alert, event: event, webhook: webhook, attempts: Int(attempts))
    }
}
