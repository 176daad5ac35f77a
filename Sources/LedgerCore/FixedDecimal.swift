/// An exact decimal number with up to ``maximumScale`` fractional digits, held as a whole number of
/// billionths (`Int128`).
///
/// `FixedDecimal` never passes through binary floating point: it is parsed from the text of a JSON token or a
/// string, and rendered back to text. A value that needs more fractional digits than ``maximumScale`` is rejected,
/// never rounded. Its integer part fits a signed 64-bit integer, so a value is stored as two SQLite integers (the
/// integer part and the billionths, see ``storedParts``) whose sums SQLite computes exactly.
///
/// A value also knows its own ``scale``: the fractional digits it needs (`0.000123` needs 6, `1.50` needs 1).
/// Text is written with at least ``minimumDisplayScale`` digits, so the canonical form of every value the ledger
/// held before amounts widened (`100.0000`) is unchanged.
public struct FixedDecimal: Hashable, Comparable, Sendable {
    /// The most fractional digits a value can carry.
    public static let maximumScale = 9
    /// The fewest fractional digits text shows: amounts of every unit are shown with at least 4.
    public static let minimumDisplayScale = 4
    /// `10^maximumScale`: the ``nanos`` of the value 1.
    static let nanosPerUnit: Int128 = 1_000_000_000
    /// The largest magnitude whose integer part still fits `Int64`.
    static let largestNanos = Int128(Int64.max) * nanosPerUnit + (nanosPerUnit - 1)
    static let smallestNanos = Int128(Int64.min) * nanosPerUnit - (nanosPerUnit - 1)

    /// The value multiplied by `10^9`.
    public let nanos: Int128

    /// Creates a value from a count of billionths already known to be in range.
    init(checkedNanos nanos: Int128) {
        self.nanos = nanos
    }

    /// Creates a value from a count of billionths.
    /// - Throws: ``MoneyError/outOfRange(_:)`` when the integer part does not fit a signed 64-bit integer.
    public init(nanos: Int128) throws(MoneyError) {
        guard nanos >= Self.smallestNanos, nanos <= Self.largestNanos else { throw .outOfRange(String(nanos) + "e-9") }
        self.nanos = nanos
    }

    /// Creates `units × 10^-scale`: `FixedDecimal(units: 15, scale: 4)` is 0.0015.
    /// - Precondition: `scale` is in `0...maximumScale` (a scale is a constant of the caller, not input).
    public init(units: Int64, scale: Int) {
        precondition((0...Self.maximumScale).contains(scale), "scale \(scale) is outside 0...\(Self.maximumScale)")
        var factor: Int128 = 1
        for _ in 0..<(Self.maximumScale - scale) { factor *= 10 }
        // |units| × 10^(9 - scale) ≤ 9.2e18 × 10^9: within range for every scale.
        self.nanos = Int128(units) * factor
    }

    /// Creates a whole number.
    public init(integer: Int64) {
        self.init(units: integer, scale: 0)
    }

    /// Zero.
    public static let zero = FixedDecimal(checkedNanos: 0)

    public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool {
        lhs.nanos < rhs.nanos
    }

    /// Whether the amount is below zero.
    public var isNegative: Bool { nanos < 0 }

    /// The fractional digits the value needs: 0 for whole numbers, 9 at most.
    public var scale: Int {
        var rest = nanos % Self.nanosPerUnit
        guard rest != 0 else { return 0 }
        var scale = Self.maximumScale
        while rest % 10 == 0 {
            rest /= 10
            scale -= 1
        }
        return scale
    }
}

extension FixedDecimal {
    /// The value as the store keeps it: the integer part, and the fraction in billionths with the same sign
    /// (`-5.5` is `(-5, -500000000)`), as `google.type.Money` splits units and nanos.
    public var storedParts: (whole: Int64, nanos: Int64) {
        // In range by construction, so the integer part fits Int64.
        (Int64(nanos / Self.nanosPerUnit), Int64(nanos % Self.nanosPerUnit))
    }

    /// Reads a value back from its ``storedParts``.
    /// - Throws: ``MoneyError/outOfRange(_:)`` when the parts are not a valid pair (fraction of 10^9 or more, or
    ///   signs that differ).
    public init(whole: Int64, nanos: Int64) throws(MoneyError) {
        guard nanos.magnitude < UInt64(Self.nanosPerUnit), whole == 0 || nanos == 0 || (whole < 0) == (nanos < 0)
        else { throw .outOfRange("\(whole) and \(nanos)e-9") }
        self.nanos = Int128(whole) * Self.nanosPerUnit + Int128(nanos)
    }

    /// Combines exact SQL sums of the two stored parts (`SUM(x_whole)`, `SUM(x_nanos)`) into one value.
    /// - Throws: ``MoneyError/overflow(_:)`` when the total's integer part does not fit.
    public init(summingWhole whole: Int64, nanos: Int64) throws(MoneyError) {
        let total = Int128(whole) * Self.nanosPerUnit + Int128(nanos)
        guard total >= Self.smallestNanos, total <= Self.largestNanos else {
            throw .overflow("the sum \(whole) + \(nanos)e-9")
        }
        self.nanos = total
    }

    /// The sum of two values.
    /// - Throws: ``MoneyError/overflow(_:)`` when the sum leaves the representable range.
    public func adding(_ other: FixedDecimal) throws(MoneyError) -> FixedDecimal {
        let sum = nanos + other.nanos  // both within ±9.3e27: no Int128 overflow
        guard sum >= Self.smallestNanos, sum <= Self.largestNanos else { throw .overflow("\(self) + \(other)") }
        return FixedDecimal(checkedNanos: sum)
    }

    /// The difference of two values.
    /// - Throws: ``MoneyError/overflow(_:)`` when the difference leaves the representable range.
    public func subtracting(_ other: FixedDecimal) throws(MoneyError) -> FixedDecimal {
        let difference = nanos - other.nanos
        guard difference >= Self.smallestNanos, difference <= Self.largestNanos else {
            throw .overflow("\(self) - \(other)")
        }
        return FixedDecimal(checkedNanos: difference)
    }

    /// The value with its sign flipped.
    /// - Throws: ``MoneyError/overflow(_:)`` for the values whose negation does not fit.
    public func negated() throws(MoneyError) -> FixedDecimal {
        guard -nanos <= Self.largestNanos, -nanos >= Self.smallestNanos else { throw .overflow("-(\(self))") }
        return FixedDecimal(checkedNanos: -nanos)
    }

    /// The absolute value.
    /// - Throws: ``MoneyError/overflow(_:)`` for the values whose magnitude does not fit.
    public func magnitude() throws(MoneyError) -> FixedDecimal {
        isNegative ? try negated() : self
    }
}
