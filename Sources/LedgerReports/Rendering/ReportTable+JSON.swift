import LedgerCore

extension ReportTable {
    /// A JSON array of objects, one per row, one row per line.
    public func jsonArray() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        return "[\n" + rows.map { "  " + Self.object(columns, $0).jsonText }.joined(separator: ",\n") + "\n]\n"
    }

    /// One JSON object per line (NDJSON).
    public func ndjson() -> String {
        rows.map { Self.object(columns, $0).jsonText + "\n" }.joined()
    }

    /// A row as a JSON object: amounts as `{"amount": "12.5000", "unit": "CNY", "scale": 4}` (the amount a string,
    /// exact), times as ISO-8601 UTC.
    static func object(_ columns: [Column], _ row: [Cell]) -> JSONValue {
        .object(JSONObject(zip(columns, row).map { column, cell in (column.name, json(cell)) }))
    }

    static func json(_ cell: Cell) -> JSONValue {
        switch cell {
        case .null: .null
        case .text(let value): .string(value)
        case .integer(let value): .number(String(value))
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .instant(let value): .string(value.iso8601)
        case .amount(let value, let unit): amountJSON(value, unit)
        }
    }

    /// An exact amount for JSON: the value as a string, its unit and its scale.
    public static func amountJSON(_ value: FixedDecimal, _ unit: MoneyUnit?) -> JSONValue {
        .object(JSONObject([
            ("amount", .string(value.description)),
            ("unit", unit.map { .string($0.name) } ?? .null),
            ("scale", .number(String(FixedDecimal.scale))),
        ]))
    }
}
