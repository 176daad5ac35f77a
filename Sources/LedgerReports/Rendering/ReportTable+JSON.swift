import LedgerCore

extension ReportTable {
    /// A JSON array of objects, one per row, one row per line.
    ///
    /// Written straight into one UTF-8 buffer, the same bytes ``object(_:)``'s `jsonText` gives: a list of thousands
    /// of rows (and every page of `serve`'s API) is written without a value tree and a key index per row, and
    /// without `String` appends, which cost more than the bytes they append.
    public func jsonArray() -> String {
        var out: [UInt8] = []
        writeJSONArray(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``jsonArray()``'s UTF-8 bytes to `out`: what a server sends, with no `String` in between.
    public func writeJSONArray(to out: inout [UInt8]) {
        guard !rows.isEmpty else {
            out.append(contentsOf: "[]\n".utf8)
            return
        }
        out.reserveCapacity(out.count + rows.count * 48 * max(1, columns.count))
        let keys = encodedKeys()
        out.append(contentsOf: "[\n".utf8)
        for (position, row) in rows.enumerated() {
            out.append(contentsOf: "  ".utf8)
            writeObject(row, keys: keys, to: &out)
            out.append(contentsOf: (position < rows.count - 1 ? ",\n" : "\n").utf8)
        }
        out.append(contentsOf: "]\n".utf8)
    }

    /// One JSON object per line (NDJSON).
    public func ndjson() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 48 * max(1, columns.count))
        let keys = encodedKeys()
        for row in rows {
            writeObject(row, keys: keys, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Each column's name as a JSON string and its colon, encoded once for every row.
    func encodedKeys() -> [[UInt8]] {
        columns.map { column in
            var key: [UInt8] = []
            JSONValue.writeString(column.name, to: &key)
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// Appends a row as the UTF-8 bytes of ``object(_:)``'s JSON text; `keys` from ``encodedKeys()``.
    func writeObject(_ row: [Cell], keys: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (position, cell) in row.enumerated() where position < keys.count {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[position])
            switch cell {
            case .null: out.append(contentsOf: "null".utf8)
            case .text(let value): JSONValue.writeString(value, to: &out)
            case .integer(let value): appendDecimal(value, to: &out)
            case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
            case .number(let value): out.append(contentsOf: value.utf8)
            case .instant(let value):
                out.append(UInt8(ascii: "\""))
                value.appendISO8601(to: &out)
                out.append(UInt8(ascii: "\""))
            case .amount(let value, let unit):
                let scale = scales.scale(of: value, in: unit)
                out.append(contentsOf: "{\"amount\":\"".utf8)
                value.appendText(scale: scale, to: &out)
                out.append(contentsOf: "\",\"unit\":".utf8)
                if let unit { JSONValue.writeString(unit.name, to: &out) } else { out.append(contentsOf: "null".utf8) }
                out.append(contentsOf: ",\"scale\":".utf8)
                appendDecimal(Int64(scale), to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A row as a JSON object: amounts as `{"amount": "12.5000", "unit": "CNY", "scale": 4}` (the amount a string,
    /// exact, at its unit's scale), times as ISO-8601 UTC.
    func object(_ row: [Cell]) -> JSONValue {
        .object(JSONObject(zip(columns, row).map { column, cell in (column.name, Self.json(cell, scales: scales)) }))
    }

    static func json(_ cell: Cell, scales: UnitScales) -> JSONValue {
        switch cell {
        case .null: .null
        case .text(let value): .string(value)
        case .integer(let value): .number(String(value))
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .instant(let value): .string(value.iso8601)
        case .amount(let value, let unit): amountJSON(value, unit, scales: scales)
        }
    }

    /// An exact amount for JSON: the value as a string at its unit's scale, its unit, and that scale (the number
    /// of fractional digits in the string).
    public static func amountJSON(_ value: FixedDecimal, _ unit: MoneyUnit?, scales: UnitScales) -> JSONValue {
        let scale = scales.scale(of: value, in: unit)
        return .object(
            JSONObject([
                ("amount", .string(value.formatted(scale: scale))),
                ("unit", unit.map { .string($0.name) } ?? .null),
                ("scale", .number(String(scale))),
            ]))
    }
}
