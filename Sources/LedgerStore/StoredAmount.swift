import GRDB
import LedgerCore

/// How an amount is written: two INTEGER columns, `<name>_whole` and `<name>_nanos` (migration 0003).
enum StoredAmount {
    /// The two column values of an amount, NULL and NULL for none.
    static func parts(_ value: FixedDecimal?) -> [(any DatabaseValueConvertible)?] {
        guard let parts = value?.storedParts else { return [nil, nil] }
        return [parts.whole, parts.nanos]
    }

    /// The amount columns of `balance_version`, in table order, for statements that copy a version.
    static let versionColumns = """
        available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole, \
        used_nanos, frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole, \
        overdue_nanos
        """
}

extension LedgerTransaction {
    /// Widens a unit's display scale (`unit_scale`) so that every amount of the unit shows all its digits; in the
    /// transaction that stores the amounts, so a reader never sees an amount wider than its unit's scale.
    func widenScale(of unit: MoneyUnit, toHold amounts: [FixedDecimal?]) throws {
        try widenScale(of: unit, to: amounts.reduce(0) { max($0, $1?.scale ?? 0) })
    }

    /// Widens a unit's display scale to at least `scale`.
    func widenScale(of unit: MoneyUnit, to scale: Int) throws {
        // Most amounts need no more than the minimum: no statement at all for them.
        guard scale > FixedDecimal.minimumDisplayScale else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO unit_scale (unit, scale) VALUES (?, ?)
                ON CONFLICT (unit) DO UPDATE SET scale = excluded.scale WHERE excluded.scale > unit_scale.scale
                """
        ).execute(arguments: [unit.name, scale])
    }
}
