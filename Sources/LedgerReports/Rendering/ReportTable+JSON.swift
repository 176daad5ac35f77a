import LedgerCore

extension ReportTable {
    /// A JSON array of objects, one per row, one row per line.
    public func jsonArray() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        return "[\n" + rows.map { "  " + object($0).jsonText }.joined(separator: ",\n") + "\n]\n"
    }

    /// One JSON object per line (NDJSON).
    public func ndjson() -> String {
        rows.map { object($0).jsonText + "\n" }.joined()
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
