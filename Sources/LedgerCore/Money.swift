/// An exact amount with its unit.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The exact amount.
    public let amount: FixedDecimal
    /// Its unit.
    public let unit: MoneyUnit

    /// An amount in a unit.
    public init(_ amount: FixedDecimal, _ unit: MoneyUnit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses an amount's text in a unit.
    /// - Throws: ``MoneyError`` when the text is not an exact decimal of at most ``FixedDecimal/maximumScale`` fractional digits.
    public init(parsing text: some StringProtocol, unit: MoneyUnit) throws(MoneyError) {
        self.init(try FixedDecimal(parsing: text), unit)
    }

    /// The sum of two amounts of one unit.
    /// - Throws: ``MoneyError/unitMismatch(_:_:)`` when the units differ, ``MoneyError/overflow(_:)`` past the range.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard unit == other.unit else { throw .unitMismatch(unit, other.unit) }
        return Money(try amount.adding(other.amount), unit)
    }

    /// The difference of two amounts of one unit.
    /// - Throws: ``MoneyError/unitMismatch(_:_:)`` when the units differ, ``MoneyError/overflow(_:)`` past the range.
    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        guard unit == other.unit else { throw .unitMismatch(unit, other.unit) }
        return Money(try amount.subtracting(other.amount), unit)
    }

    /// `100.0000 CNY`.
    public var description: String { "\(amount) \(unit)" }
}

/// Running totals kept apart by unit: adding an amount only ever adds to the total of its own unit.
public struct MoneyTotals: Hashable, Sendable {
    public private(set) var totals: [MoneyUnit: FixedDecimal] = [:]

    /// No totals yet.
    public init() {}

    /// Adds an amount to the total of its unit.
    /// - Throws: ``MoneyError/overflow(_:)`` when that total leaves the representable range.
    public mutating func add(_ money: Money) throws(MoneyError) {
        totals[money.unit] = try (totals[money.unit] ?? .zero).adding(money.amount)
    }

    /// The totals, ordered by unit name.
    public var sorted: [Money] {
        totals.keys.sorted().map { Money(totals[$0]!, $0) }
    }
}
