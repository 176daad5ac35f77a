import LedgerCore
import LedgerSimulator
@testable import LedgerReports
import Testing

@Suite("JSON of report tables")
struct ReportTableJSONTests {
    /// The value tree's text, as the lists were written before the direct writer: the oracle.
    static func treeArray(_ table: ReportTable) -> String {
        guard !table.rows.isEmpty else { return "[]\n" }
        return "[\n" + table.rows.map { "  " + table.object($0).jsonText }.joined(separator: ",\n") + "\n]\n"
    }

    @Test("The direct writer gives the value tree's bytes for every kind of cell, hostile text included")
    func directEqualsTree() throws {
        var generator = SplitMix64(seed: 0x150A)
        let texts = [
            "plain", "部门-1001", "母錢包", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{0}\u{1F}\u{7F}",
            "\u{2028}\u{2029}", "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0", "", "emoji 💸",
        ]
        let units = [try MoneyUnit("CNY"), MoneyUnit.tokens, try MoneyUnit("SU")]
        let columns = ["text", "integer", "bool", "number", "instant", "amount", "none", "kéy \"quoted\""].map {
            ReportTable.Column($0)
        }
        var rows: [[ReportTable.Cell]] = []
        for _ in 0..<300 {
            let nanos = Int64(bitPattern: generator.next()) % 1_000_000_000_000_000
            rows.append([
                .text(texts[Int(generator.next() % UInt64(texts.count))]),
                .integer(Int64(bitPattern: generator.next())), .bool(generator.next() % 2 == 0),
                .number(["1", "-0.5", "1e3", "12345678901234567890"][Int(generator.next() % 4)]),
                .instant(Instant(millisecondsSinceEpoch: Int64(generator.next() % 4_000_000_000_000))),
                .amount(
                    try FixedDecimal(whole: nanos / 1_000_000_000, nanos: nanos % 1_000_000_000),
                    generator.next() % 5 == 0 ? nil : units[Int(generator.next() % 3)]),
                .null, .text(texts[Int(generator.next() % UInt64(texts.count))]),
            ])
        }
        // The integers at the edges of their digits, each in a row of its own.
        for value in [Int64.min, Int64.min + 1, -1_000_000_000_000_000_000, -10, -1, 0, 1, 9, 10, Int64.max] {
            rows.append([.text("edge"), .integer(value), .bool(true), .number("0"), .null, .null, .null, .null])
        }
        let table = ReportTable(columns: columns, rows: rows, scales: UnitScales([.tokens: 8]))
        #expect(table.jsonArray() == Self.treeArray(table))
        #expect(table.ndjson() == table.rows.map { table.object($0).jsonText + "\n" }.joined())
        // What it writes is JSON the exact reader reads back, row by row.
        guard case .array(let parsed) = try JSONValue.parse(table.jsonArray()) else {
            Issue.record("not an array")
            return
        }
        #expect(parsed == rows.map { table.object($0) })
        #expect(ReportTable(columns: columns).jsonArray() == "[]\n")
    }
}
