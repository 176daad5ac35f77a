import LedgerCore

extension ReportTable {
    /// Columns aligned for a terminal: wide characters count two columns, numbers and amounts (with their unit)
    /// are right-aligned, control characters are made visible.
    public func alignedText(zone: DisplayZone = .utc) -> String {
        let shown = columns.indices.filter { columns[$0].inText }
        let header = shown.map { columns[$0].name.uppercased() }
        let body = rows.map { row in shown.map { TextWidth.printable(Self.text(row[$0], zone: zone, scales: scales)) } }
        let rightAligned = shown.map { index in
            rows.contains { row in
                switch row[index] {
                case .amount, .integer, .number: true
                default: false
                }
            }
        }
        var widths = header.map(TextWidth.of)
        for row in body {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TextWidth.of(cell)) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                parts.append(
                    last && !rightAligned[index]
                        ? cell : TextWidth.pad(cell, to: widths[index], rightAligned: rightAligned[index]))
            }
            return parts.joined(separator: "  ")
        }
        var output = line(header) + "\n"
        for row in body { output += line(row) + "\n" }
        return output
    }

    static func text(_ cell: Cell, zone: DisplayZone, scales: UnitScales) -> String {
        switch cell {
        case .null: ""
        case .text(let value): value
        case .integer(let value): String(value)
        case .bool(let value): value ? "yes" : "no"
        case .amount(let value, let unit):
            unit.map { "\(scales.text(value, in: $0)) \($0)" } ?? scales.text(value, in: nil)
        case .instant(let value): zone.format(value)
        case .number(let value): value
        }
    }
}
