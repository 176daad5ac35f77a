/// The unit of an amount: a currency code such as `CNY`, ModelRouter `tokens`, or TWCC service units `SU`.
///
/// Units are compared exactly; amounts of different units are never added.
public struct MoneyUnit: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The unit's name as stored and shown.
    public let name: String

    /// Validates and creates a unit.
    /// - Parameter name: 1 to 16 ASCII letters, digits, `_` or `-`.
    /// - Throws: ``MoneyError/invalidUnit(_:)`` for anything else.
    public init(_ name: String) throws(MoneyError) {
        let valid =
            (1...16).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        guard valid else { throw .invalidUnit(name) }
        self.name = name
    }

    private init(known name: String) { self.name = name }

    /// ModelRouter balances whose `balanceType` is `tokens`.
    public static let tokens = MoneyUnit(known: "tokens")
    /// TWCC service units.
    public static let serviceUnits = MoneyUnit(known: "SU")
    /// Chinese yuan: the unit of ModelRouter amount balances and DMS figures unless a source names another.
    public static let yuan = MoneyUnit(known: "CNY")

    public var description: String { name }

    public static func < (lhs: MoneyUnit, rhs: MoneyUnit) -> Bool { lhs.name < rhs.name }
}
