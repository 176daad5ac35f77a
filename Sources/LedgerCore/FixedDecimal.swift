/// An exact decimal number with a fixed scale of ``scale`` fractional digits, held as a scaled 64-bit integer.
///
/// `FixedDecimal` never passes through binary floating point: it is parsed from the text of a JSON token or a
/// string, and rendered back to text. The scaled integer is what the store writes to SQLite, so `SUM` is exact.
/// A value that needs more fractional digits than the scale is rejected, never rounded.
public struct FixedDecimal: Hashable, Comparable, Sendable {
    /// The number of fractional digits every value carries.
    public static let scale = 4
    /// `10^scale`: the scaled integer of the value 1.
    public static let unit: Int64 = 10_000

    /// The value multiplied by `10^scale`.
    public let scaledValue: Int64

    /// Creates a value from its scaled integer: `FixedDecimal(scaledValue: 15)` is 0.0015.
    public init(scaledValue: Int64) {
        self.scaledValue = scaledValue
    }

    /// Creates a whole number.
    /// - Throws: ``MoneyError/outOfRange(_:)`` when the value does not fit the scaled 64-bit range.
    public init(integer: Int64) throws(MoneyError) {
        let (product, overflow) = integer.multipliedReportingOverflow(by: Self.unit)
        guard !overflow else { throw .outOfRange(String(integer)) }
        self.scaledValue = product
    }

    public static let zero = FixedDecimal(scaledValue: 0)

    public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool {
        lhs.scaledValue < rhs.scaledValue
    }

    public var isNegative: Bool { scaledValue < 0 }
}

extension FixedDecimal {
    /// The sum of two values.
    /// - Throws: ``MoneyError/overflow(_:)`` when the sum leaves the representable range.
    public func adding(_ other: FixedDecimal) throws(MoneyError) -> FixedDecimal {
        let (sum, overflow) = scaledValue.addingReportingOverflow(other.scaledValue)
        guard !overflow else { throw .overflow("\(self) + \(other)") }
        return FixedDecimal(scaledValue: sum)
    }

    /// The difference of two values.
    /// - Throws: ``MoneyError/overflow(_:)`` when the difference leaves the representable range.
    public func subtracting(_ other: FixedDecimal) throws(MoneyError) -> FixedDecimal {
        let (difference, overflow) = scaledValue.subtractingReportingOverflow(other.scaledValue)
        guard !overflow else { throw .overflow("\(self) - \(other)") }
        return FixedDecimal(scaledValue: difference)
    }

    /// The value with its sign flipped.
    /// - Throws: ``MoneyError/overflow(_:)`` for the one value whose negation does not fit.
    public func negated() throws(MoneyError) -> FixedDecimal {
        guard scaledValue != .min else { throw .overflow("-(\(self))") }
        return FixedDecimal(scaledValue: -scaledValue)
    }

    /// The absolute value.
    /// - Throws: ``MoneyError/overflow(_:)`` for the one value whose magnitude does not fit.
    public func magnitude() throws(MoneyError) -> FixedDecimal {
        isNegative ? try negated() : self
    }
}
