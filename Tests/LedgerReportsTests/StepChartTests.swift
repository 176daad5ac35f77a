import Foundation
import LedgerCore
import LedgerReports
import Testing

@Suite("Step charts")
struct StepChartTests {
    static let from = Instant(year: 2026, month: 11, day: 1)
    static let to = Instant(year: 2026, month: 11, day: 8)

    static func chart(
        _ steps: [(day: Int, value: String?)], unit: MoneyUnit = .tokens, scale: Int = 8
    ) throws
        -> String
    {
        let steps = try steps.map { step in
            StepChart.Step(
                at: Instant(year: 2026, month: 11, day: step.day),
                value: try step.value.map { try FixedDecimal(parsing: $0) })
        }
        return StepChart(
            steps: steps, from: from, to: to, unit: unit, scales: UnitScales([unit: scale]),
            zone: .utc, label: "mr/1 <部门>"
        ).svg()
    }

    /// The `points` of each polyline, as (x, y) pairs.
    static func lines(_ svg: String) -> [[(Double, Double)]] {
        svg.components(separatedBy: "points=\"").dropFirst().map { rest in
            rest.prefix { $0 != "\"" }.split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
    }

    @Test("Axes carry the exact lowest and highest amounts with the unit, and the window's dates")
    func axes() throws {
        let svg = try Self.chart([(1, "0.00012300"), (3, "-5"), (5, "12345678901234.5")])
        #expect(svg.contains(">12345678901234.50000000 tokens</text>"))
        #expect(svg.contains(">-5.00000000 tokens</text>"))
        #expect(svg.contains(">2026-11-01</text>") && svg.contains(">2026-11-08</text>"))
        #expect(svg.contains(">2026-11-04T12") == false)
        // Each step's tooltip: its instant and exact figure.
        #expect(svg.contains("<title>2026-11-01T00:00:00Z: 0.00012300 tokens</title>"))
        // The label is escaped wherever it appears.
        #expect(svg.contains("mr/1 &lt;部门&gt;") && !svg.contains("<部门>"))
    }

    @Test("A value holds until the next: horizontal then vertical, up to the window's end")
    func steps() throws {
        let svg = try Self.chart([(1, "10"), (4, "20")])
        let line = try #require(Self.lines(svg).first)
        // (x1, low) (x4, low) (x4, high) (end, high): y grows downwards, so the higher value has the smaller y.
        #expect(line.count == 4)
        #expect(line[0].1 == line[1].1 && line[1].0 == line[2].0 && line[2].1 == line[3].1)
        #expect(line[2].1 < line[1].1)
        #expect(line[3].0 > line[2].0)
        // Three days of seven from the axis' start to the change: x is proportional to time.
        let fraction = (line[1].0 - line[0].0) / (line[3].0 - line[0].0)
        #expect(abs(fraction - 3.0 / 7.0) < 0.01)
    }

    @Test("A gone account breaks the line; no values at all says so")
    func gaps() throws {
        let broken = try Self.chart([(1, "10"), (3, nil), (5, "12")])
        #expect(Self.lines(broken).count == 2)
        let empty = try Self.chart([(2, nil)])
        #expect(Self.lines(empty).isEmpty)
        #expect(empty.contains("no balance in this period"))
    }

    /// The time axis' labels of `svg`, left to right: the axis labels at the lowest height (the amount labels sit
    /// beside the plot, higher up).
    static func timeLabels(_ svg: String) -> [(text: String, anchor: String, x: Double)] {
        let labels = svg.matches(
            of: /<text class="axis-label" x="([0-9.]+)" y="([0-9.]+)" text-anchor="(\w+)">([^<]*)<\/text>/
        ).map {
            (x: Double($0.output.1)!, y: Double($0.output.2)!, anchor: String($0.output.3), text: String($0.output.4))
        }
        let bottom = labels.map(\.y).max()
        return labels.filter { $0.y == bottom }.map { (text: $0.text, anchor: $0.anchor, x: $0.x) }
    }

    @Test("A window shorter than three days labels its axis with times, the date only where the day changes")
    func shortWindow() throws {
        let svg = StepChart(
            steps: [StepChart.Step(at: Self.from, value: FixedDecimal.zero)], from: Self.from,
            to: Self.from.adding(seconds: 6 * 3_600), unit: .tokens, scales: UnitScales(), zone: .utc, label: "x"
        ).svg()
        let labels = Self.timeLabels(svg).map(\.text)
        #expect(labels.first == "2026-11-01 00:00")
        #expect(labels.count >= 2 && labels.dropFirst().allSatisfy { $0.count == 5 }, "\(labels)")
        #expect(labels.last == "06:00")
        let days = StepChart(
            steps: [StepChart.Step(at: Self.from, value: FixedDecimal.zero)], from: Self.from,
            to: Self.from.adding(seconds: 2 * 86_400), unit: .tokens, scales: UnitScales(), zone: .utc, label: "x"
        ).svg()
        #expect(Self.timeLabels(days).map(\.text).last == "11-03 00:00")
    }

    @Test(
        "Time labels never overlap and stay inside the drawing, whatever the span and the width",
        arguments: [600, 3_600, 6 * 3_600, 86_400, 2 * 86_400, 5 * 86_400, 30 * 86_400, 400 * 86_400])
    func ticksApart(span: Int) throws {
        for width in [200.0, 360, 720, 1_200] {
            for amount in ["0", "12345678901234.5"] {
                var chart = StepChart(
                    steps: [StepChart.Step(at: Self.from, value: try FixedDecimal(parsing: amount))], from: Self.from,
                    to: Self.from.adding(seconds: Int64(span)), unit: .tokens, scales: UnitScales([.tokens: 8]),
                    zone: .utc, label: "x")
                chart.width = width
                let labels = Self.timeLabels(chart.svg())
                #expect(!labels.isEmpty)
                let boxes = labels.map { label -> (Double, Double) in
                    let extent = Double(label.text.count) * StepChart.characterWidth
                    switch label.anchor {
                    case "start": return (label.x, label.x + extent)
                    case "end": return (label.x - extent, label.x)
                    default: return (label.x - extent / 2, label.x + extent / 2)
                    }
                }
                for (a, b) in zip(boxes, boxes.dropFirst()) {
                    #expect(a.1 < b.0, "span \(span) s, width \(width): \(labels)")
                }
                #expect(boxes.allSatisfy { $0.0 >= 0 && $0.1 <= width }, "span \(span) s, width \(width): \(labels)")
            }
        }
    }
}
