/// How many fractional digits the amounts of each unit are shown with.
///
/// A unit's scale is the most fractional digits any of its amounts in the ledger needs, and never fewer than
/// ``FixedDecimal/minimumDisplayScale``: every amount of a unit is shown with the same number of digits, so that a
/// column of tokens lines up, and none is ever shortened. The ledger keeps the scales and widens a unit's scale in
/// the transaction that stores an amount needing more digits; it never narrows one.
public struct UnitScales: Hashable, Sendable {
    /// The scales that are wider than the minimum, by unit.
    public private(set) var widened: [MoneyUnit: Int]

    /// Scales for the given units; units not listed have ``FixedDecimal/minimumDisplayScale``.
    public init(_ scales: [MoneyUnit: Int] = [:]) {
        widened = scales.filter { $0.value > FixedDecimal.minimumDisplayScale }
            .mapValues { min($0, FixedDecimal.maximumScale) }
    }

    /// The scale of a unit; the minimum for an amount with no unit.
    public func scale(of unit: MoneyUnit?) -> Int {
        unit.flatMap { widened[$0] } ?? FixedDecimal.minimumDisplayScale
    }

    /// The scale an amount of `unit` is shown with: the unit's, or the amount's own where that is wider (an amount
    /// computed outside the ledger, such as a statement file's, may need more).
    public func scale(of value: FixedDecimal, in unit: MoneyUnit?) -> Int {
        max(scale(of: unit), value.scale)
    }

    /// An amount's text at its unit's scale: `0.00012300` where tokens have 8 digits.
    public func text(_ value: FixedDecimal, in unit: MoneyUnit?) -> String {
        value.formatted(scale: scale(of: value, in: unit))
    }

    /// An amount with its unit, for people: `12.5000 CNY` (at the unit's scale), `—` when there is none.
    public func labelled(_ value: FixedDecimal?, in unit: MoneyUnit?) -> String {
        guard let value else { return "—" }
        return text(value, in: unit) + (unit.map { " " + $0.name } ?? "")
    }

    /// Widens a unit's scale to hold `scale` digits; never narrows it.
    public mutating func widen(_ unit: MoneyUnit, to scale: Int) {
        guard scale > self.scale(of: unit) else { return }
        widened[unit] = min(scale, FixedDecimal.maximumScale)
    }
}
