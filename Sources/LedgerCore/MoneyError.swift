/// Why an amount could not be read or computed exactly.
public enum MoneyError: Error, Hashable, Sendable {
    /// The text is not a decimal number; the second value says what is wrong.
    case invalidNumber(String, String)
    /// The text has a non-zero digit past the most fractional digits an amount can carry; rounding it would
    /// change the amount.
    case tooManyFractionalDigits(String, scale: Int)
    /// The value's integer part does not fit a signed 64-bit integer.
    case outOfRange(String)
    /// A sum or difference left the representable range.
    case overflow(String)
    /// Two amounts of different units were combined.
    case unitMismatch(MoneyUnit, MoneyUnit)
    /// A unit name is empty, too long, or has characters a unit cannot have.
    case invalidUnit(String)
}

extension MoneyError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidNumber(let text, let reason):
            "\"\(text.prefix(64))\" is not an exact decimal number: \(reason)"
        case .tooManyFractionalDigits(let text, let scale):
            "\"\(text.prefix(64))\" has more than \(scale) fractional digits; LedgerSync holds amounts exactly to "
                + "\(scale) fractional digits and never rounds"
        case .outOfRange(let text):
            "\"\(text.prefix(64))\" is outside the range of amounts LedgerSync can store (about ±9.2 × 10^18)"
        case .overflow(let expression):
            "the result of \(expression) is outside the range of amounts LedgerSync can store"
        case .unitMismatch(let lhs, let rhs):
            "cannot combine an amount in \(lhs) with one in \(rhs): amounts of different units never add up"
        case .invalidUnit(let text):
            "\"\(text.prefix(64))\" is not a valid unit: use 1 to 16 letters, digits, '_' or '-' (e.g. CNY, SU, tokens)"
        }
    }
}
