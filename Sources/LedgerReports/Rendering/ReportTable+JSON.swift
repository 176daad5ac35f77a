import LedgerCore

extension ReportTable {
    /// A JSON array of objects, one per row, one row per line.
    ///
    /// Written straight into one string, the same bytes ``object(_:)``'s `jsonText` gives: a list of thousands of
    /// rows (and every page of `serve`'s API) is written without building a value tree and a key index per row.
    public func jsonArray() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        var out = "[\n"
        out.reserveCapacity(rows.count * 64 * max(1, columns.count))
        for (position, row) in rows.enumerated() {
            out += "  "
            writeObject(row, to: &out)
            out += position < rows.count - 1 ? ",\n" : "\n"
        }
        out += "]\n"
        return out
    }

    /// One JSON object per line (NDJSON).
    public func ndjson() -> String {
        var out = ""
        out.reserveCapacity(rows.count * 64 * max(1, columns.count))
        for row in rows {
            writeObject(row, to: &out)
            out += "\n"
        }
        return out
    }

    /// Appends a row as the JSON text of ``object(_:)``.
    func writeObject(_ row: [Cell], to out: inout String) {
        out += "{"
        for (position, (column, cell)) in zip(columns, row).enumerated() {
            if position > 0 { out += "," }
            JSONValue.writeString(column.name, to: &out)
            out += ":"
            switch cell {
            case .null: out += "null"
            case .text(let value): JSONValue.writeString(value, to: &out)
            case .integer(let value): out += String(value)
            case .bool(let value): out += value ? "true" : "false"
            case .number(let value): out += value
            case .instant(let value): JSONValue.writeString(value.iso8601, to: &out)
            case .amount(let value, let unit):
                let scale = scales.scale(of: value, in: unit)
                out += "{\"amount\":"
                JSONValue.writeString(value.formatted(scale: scale), to: &out)
                out += ",\"unit\":"
                if let unit { JSONValue.writeString(unit.name, to: &out) } else { out += "null" }
                out += ",\"scale\":"
                out += String(scale)
                out += "}"
            }
        }
        out += "}"
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
