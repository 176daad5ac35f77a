import LedgerCore

/// Reads typed fields from a JSON object, accepting alternative names (camelCase and snake_case) and reporting
/// the exact path of anything missing or malformed. Amounts are read from the token's text, never a `Double`.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    /// Parses a document whose top level must be an object.
    static func document(_ bytes: [UInt8]) throws(DecodingProblem) -> FieldReader {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw DecodingProblem(path: "$", reason: error.description)
        }
        guard case .object(let object) = value else {
            throw DecodingProblem(path: "$", reason: "expected an object, found \(value.typeName)")
        }
        return FieldReader(object, path: "$")
    }

    /// The first member among `names` that holds a value, with the name used; a null one only when none holds a
    /// value. An entry may carry both spellings with one of them null (`"balanceBefore": null,
    /// "balance_before": "5.00"`): the value is what was sent, and reading the null would drop it (found by the
    /// mr-logs fuzz target).
    func member(_ names: [String]) -> (name: String, value: JSONValue)? {
        var null: (name: String, value: JSONValue)?
        for name in names {
            guard let value = object[name] else { continue }
            if value != .null { return (name, value) }
            null = null ?? (name, value)
        }
        return null
    }

    func location(_ name: String) -> String { path == "$" ? name : "\(path).\(name)" }

    func problem(_ name: String, _ reason: String) -> DecodingProblem {
        DecodingProblem(path: location(name), reason: reason)
    }

    func missing(_ names: [String]) -> DecodingProblem {
        DecodingProblem(
            path: location(names[0]),
            reason: names.count > 1
                ? "missing (looked for \(names.map { "\"\($0)\"" }.joined(separator: " or ")))" : "missing")
    }

    // MARK: Objects and arrays

    func object(_ names: String...) throws(DecodingProblem) -> FieldReader {
        guard let (name, value) = member(names), value != .null else { throw missing(names) }
        guard case .object(let object) = value else {
            throw problem(name, "expected an object, found \(value.typeName)")
        }
        return FieldReader(object, path: location(name))
    }

    func array(_ names: String...) throws(DecodingProblem) -> (path: String, elements: [JSONValue]) {
        guard let (name, value) = member(names), value != .null else { throw missing(names) }
        guard case .array(let elements) = value else {
            throw problem(name, "expected an array, found \(value.typeName)")
        }
        return (location(name), elements)
    }

    /// The text of a number token or a string (APIs send both for numbers); `nil` when absent or null.
    func scalarText(_ names: [String], expected: String) throws(DecodingProblem) -> (name: String, text: String)? {
        guard let (name, value) = member(names) else { return nil }
        switch value {
        case .null: return nil
        case .number(let token): return (name, token)
        case .string(let string): return (name, string)
        default: throw problem(name, "expected \(expected), found \(value.typeName)")
        }
    }

    // MARK: Amounts

    /// An amount from a number token or a string holding one (`100.00`, `"224.00"`), exactly.
    func amount(_ names: String...) throws(DecodingProblem) -> FixedDecimal {
        guard let value = try optionalAmount(names) else { throw missing(names) }
        return value
    }

    func optionalAmount(_ names: String...) throws(DecodingProblem) -> FixedDecimal? {
        try optionalAmount(names)
    }

    func optionalAmount(_ names: [String]) throws(DecodingProblem) -> FixedDecimal? {
        guard let (name, text) = try scalarText(names, expected: "an amount") else { return nil }
        do {
            return try FixedDecimal(parsing: text)
        } catch {
            throw problem(name, error.description)
        }
    }

    // MARK: Integers, strings, booleans, times

    /// A whole number from a number token or a string of digits.
    func int64(_ names: String...) throws(DecodingProblem) -> Int64 {
        guard let value = try optionalInt64(names) else { throw missing(names) }
        return value
    }

    func optionalInt64(_ names: String...) throws(DecodingProblem) -> Int64? {
        try optionalInt64(names)
    }

    func optionalInt64(_ names: [String]) throws(DecodingProblem) -> Int64? {
        guard let (name, text) = try scalarText(names, expected: "an integer") else { return nil }
        guard let integer = Int64(text) else {
            throw problem(name, "expected an integer, found \"\(text.prefix(40))\"")
        }
        return integer
    }

    func string(_ names: String...) throws(DecodingProblem) -> String {
        guard let value = try optionalString(names) else { throw missing(names) }
        return value
    }

    func optionalString(_ names: String...) throws(DecodingProblem) -> String? {
        try optionalString(names)
    }

    func optionalString(_ names: [String]) throws(DecodingProblem) -> String? {
        guard let (name, value) = member(names) else { return nil }
        switch value {
        case .null: return nil
        case .string(let string): return string
        default: throw problem(name, "expected a string, found \(value.typeName)")
        }
    }

    /// A string or a number kept as text (`"1"`, `1`), for codes and labels whose type varies.
    func optionalText(_ names: String...) throws(DecodingProblem) -> String? {
        guard let (name, value) = member(names) else { return nil }
        switch value {
        case .null: return nil
        case .string(let string): return string
        case .number(let token): return token
        default: throw problem(name, "expected a string or a number, found \(value.typeName)")
        }
    }

    /// A flag sent as a boolean, `0`/`1` or `"0"`/`"1"`.
    func optionalFlag(_ names: String...) throws(DecodingProblem) -> Bool? {
        try optionalFlag(names)
    }

    func flag(_ names: String...) throws(DecodingProblem) -> Bool {
        guard let value = try optionalFlag(names) else { throw missing(names) }
        return value
    }

    func optionalFlag(_ names: [String]) throws(DecodingProblem) -> Bool? {
        guard let (name, value) = member(names) else { return nil }
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number("0"), .string("0"): return false
        case .number("1"), .string("1"): return true
        default: throw problem(name, "expected true/false, 0/1 or \"0\"/\"1\", found \(describe(value))")
        }
    }

    /// An ISO-8601 time such as `2024-01-01T00:00:00Z`.
    func optionalInstant(_ names: String...) throws(DecodingProblem) -> Instant? {
        guard let (name, value) = member(names) else { return nil }
        switch value {
        case .null: return nil
        case .string(let text):
            do {
                return try Instant(iso8601: text)
            } catch {
                throw problem(name, error.description)
            }
        default: throw problem(name, "expected an ISO-8601 time string, found \(value.typeName)")
        }
    }

    func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text.prefix(40))\""
        case .number(let text): String(text.prefix(40))
        default: value.typeName
        }
    }
}
