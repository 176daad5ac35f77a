import LedgerCore
import LedgerSimulator
import Testing

@testable import LedgerReports

@Suite("CSV of report tables")
struct ReportTableCSVTests {
    /// The CSV as it was written before the byte writer, field by field through `CSV.field`: the oracle.
    static func stringCSV(_ table: ReportTable, zone: DisplayZone, excel: Bool) -> String {
        let newline = excel ? "\r\n" : "\n"
        var output = excel ? "\u{FEFF}" : ""
        output += table.columns.map { CSV.field($0.name, isText: true) }.joined(separator: ",") + newline
        for row in table.rows {
            output +=
                row.map { cell in
                    switch cell {
                    case .null: ""
                    case .amount(let value, let unit): table.scales.text(value, in: unit)
                    case .integer(let value): String(value)
                    case .number(let value): CSV.field(value, isText: false)
                    case .bool(let value): value ? "true" : "false"
                    case .instant(let value): zone.format(value)
                    case .text(let value): CSV.field(value, isText: true)
                    }
                }.joined(separator: ",") + newline
        }
        return output
    }

    @Test("The byte writer gives the field-by-field bytes for every cell, hostile and combining text included")
    func bytesEqualFields() throws {
        var generator = SplitMix64(seed: 0xC5F)
        // Each rule's edge: separators, quotes, both line ends, formula starts (text only), spaces at either end,
        // and combining marks after a comma, a quote or a space (one character to Swift, two scalars to UTF-8).
        let texts = [
            "plain", "部门-1001", "", "a,b", "say \"hi\"", "line\nbreak", "cr\rhere", "crlf\r\nend", "=1+2", "+1", "-5",
            "@sum", "\ttab", " lead", "trail ", " ", ",\u{301}", "\"\u{301}", " \u{301}x", "x \u{301}", "=", "'quoted",
            "emoji 💸", "\u{FEFF}bom", "a\u{2028}b",
        ]
        let units = [try MoneyUnit("CNY"), MoneyUnit.tokens]
        var rows: [[ReportTable.Cell]] = []
        for _ in 0..<400 {
            let nanos = Int64(bitPattern: generator.next()) % 1_000_000_000_000_000
            func text() -> String { texts[Int(generator.next() % UInt64(texts.count))] }
            rows.append([
                .text(text()), .integer(Int64(bitPattern: generator.next())), .bool(generator.next() % 2 == 0),
                .number([" 1", "-0.5", "1e3", "1,5", "+7"][Int(generator.next() % 5)]),
                .instant(Instant(millisecondsSinceEpoch: Int64(generator.next() % 4_000_000_000_000))),
                .amount(
                    try FixedDecimal(whole: nanos / 1_000_000_000, nanos: nanos % 1_000_000_000),
                    units[Int(generator.next() % 2)]),
                .null, .text(text() + text()),
            ])
        }
        for value in [Int64.min, -1, 0, Int64.max] {
            rows.append([.text("edge"), .integer(value), .null, .null, .null, .null, .null, .null])
        }
        let columns = ["text", "integer", "bool", "number", "instant", "amount", "none", "=kéy, \"quoted\""].map {
            ReportTable.Column($0)
        }
        let table = ReportTable(columns: columns, rows: rows, scales: UnitScales([.tokens: 8]))
        for zone in [DisplayZone.utc, try DisplayZone("Asia/Shanghai")] {
            for excel in [false, true] {
                #expect(table.csv(zone: zone, excel: excel) == Self.stringCSV(table, zone: zone, excel: excel))
            }
        }
        // Each text alone, so that a difference names the text.
        for text in texts {
            var out: [UInt8] = []
            CSV.appendField(text, isText: true, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == CSV.field(text, isText: true), "\(text.debugDescription)")
        }
    }
}
