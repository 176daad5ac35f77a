import Foundation
import LedgerCore

/// Many rows as one JSON array of objects, bound as one `jsonb` parameter and read back with
/// `jsonb_to_recordset`: a batch of rows in one statement and one round trip, NULLs included (postgres-nio's arrays
/// have no NULL elements). Integers are written as their digits and read into `bigint` columns exactly.
struct JSONRows {
    private(set) var text = "["
    private(set) var count = 0
    private var fields = 0

    /// Starts the next row.
    mutating func row() {
        if count > 0 { text += "}," }
        text += "{"
        count += 1
        fields = 0
    }

    mutating func add(_ name: String, _ value: Int64?) {
        key(name)
        text += value.map(String.init) ?? "null"
    }

    mutating func add(_ name: String, _ value: String?) {
        key(name)
        if let value { JSONValue.writeString(value, to: &text) } else { text += "null" }
    }

    mutating func add(_ name: String, _ value: Bool?) {
        key(name)
        text += value.map { $0 ? "true" : "false" } ?? "null"
    }

    /// An amount as its two columns, `<name>_whole` and `<name>_nanos`.
    mutating func add(amount name: String, _ value: FixedDecimal?) {
        let parts = value?.storedParts
        add(name + "_whole", parts?.whole)
        add(name + "_nanos", parts?.nanos)
    }

    /// The finished array.
    var json: String { count == 0 ? "[]" : text + "}]" }

    private mutating func key(_ name: String) {
        if fields > 0 { text += "," }
        fields += 1
        JSONValue.writeString(name, to: &text)
        text += ":"
    }
}
