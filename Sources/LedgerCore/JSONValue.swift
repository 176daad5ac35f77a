/// A parsed JSON document that keeps every number as the exact text of its token.
///
/// Amounts must never pass through `Double`; `JSONValue.number` holds the token (`"100.00"`, `"-1e3"`) so that
/// ``FixedDecimal/init(parsing:)`` reads it exactly.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number, as the exact text of its token.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type's name, for messages: `"a string"`, `"a number"`, ...
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object with its members in document order. Keys are unique: the parser refuses a duplicate.
public struct JSONObject: Hashable, Sendable {
    /// The members in document order, repeats kept as sent.
    public let members: [(key: String, value: JSONValue)]
    private let index: [String: Int]

    /// Creates an object.
    /// - Parameter members: Unique keys with their values, in order.
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
        var index: [String: Int] = [:]
        for (position, member) in members.enumerated() where index[member.key] == nil {
            index[member.key] = position
        }
        self.index = index
    }

    /// Creates an object from members whose keys the parser has already indexed (and found unique).
    init(members: [(key: String, value: JSONValue)], positions: [String: Int]) {
        self.members = members
        self.index = positions
    }

    public subscript(key: String) -> JSONValue? {
        index[key].map { members[$0].value }
    }

    /// The member names, in order.
    public var keys: [String] { members.map(\.key) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

/// Why bytes are not a JSON document, and where.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The zero-based byte offset where parsing stopped.
    public let offset: Int
    /// What is wrong, with the byte offset.
    public let reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string value written as a literal, for documents built in code (`["type": "object"]`).
    public init(stringLiteral value: String) { self = .string(value) }
}
