import Foundation
import LedgerCore

/// An SVG step chart of one balance over a window of time, with axes a reader can read: the window's dates along
/// the bottom, the lowest and highest amount with their unit on the left, and each step's instant and figure as a
/// tooltip (`<title>`) on its point.
///
/// Each value holds until the next one (a balance is a state, not a trend between samples). Pixel positions are
/// computed in floating point: they are geometry, never money, and every figure shown is the exact text of the
/// amount at its unit's scale. Every string from the data is escaped.
public struct StepChart: Sendable {
    /// One change of the balance.
    public struct Step: Sendable, Equatable {
        /// When the balance took this value.
        public var at: Instant
        /// The balance from then on; `nil` while the account had none (gone).
        public var value: FixedDecimal?

        /// A step at an instant.
        public init(at: Instant, value: FixedDecimal?) {
            self.at = at
            self.value = value
        }
    }

    /// The changes, in time order.
    public var steps: [Step]
    /// The window shown: the left and right ends of the time axis.
    public var from: Instant
    /// The end of the window.
    public var to: Instant
    /// The unit of every value.
    public var unit: MoneyUnit?
    /// The display scale of the unit.
    public var scales: UnitScales
    /// The zone the dates are shown in.
    public var zone: DisplayZone
    /// What the chart shows, for assistive technology and the tooltip of the whole chart.
    public var label: String

    /// A chart of `steps` over `from ..< to`.
    public init(
        steps: [Step], from: Instant, to: Instant, unit: MoneyUnit?, scales: UnitScales, zone: DisplayZone,
        label: String
    ) {
        self.steps = steps
        self.from = from
        self.to = to
        self.unit = unit
        self.scales = scales
        self.zone = zone
        self.label = label
    }

    /// The drawing's size in its own units; the page scales it to the width it is given.
    static let width = 360.0
    static let height = 150.0
    /// The plot area's top and bottom, and its right end.
    static let top = 16.0
    static let bottom = 112.0
    static let right = width - 10

    /// The chart as an inline `<svg class="chart">` element.
    public func svg() -> String {
        let values = steps.compactMap(\.value)
        let head =
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" "
            + "aria-label=\"\(esc(label))\"><title>\(esc(label))</title>"
        guard let low = values.map(\.nanos).min(), let high = values.map(\.nanos).max() else {
            return head + "<text class=\"axis-label\" x=\"\(Int(Self.width / 2))\" y=\"\(Int(Self.height / 2))\" "
                + "text-anchor=\"middle\">no balance in this period</text></svg>"
        }
        let lowText = amountText(values.first { $0.nanos == low }!)
        let highText = amountText(values.first { $0.nanos == high }!)
        // The amount labels sit left of the plot: their width decides where it starts (≈ 6.8 units a character
        // at the labels' size; tabular digits keep that honest).
        let left = min(12 + Double(max(lowText.count, highText.count)) * 6.8, Self.width / 2)
        let start = Double(from.millisecondsSinceEpoch)
        let span = max(1, Double(to.millisecondsSinceEpoch) - start)
        func x(_ at: Instant) -> Double {
            let fraction = min(1, max(0, (Double(at.millisecondsSinceEpoch) - start) / span))
            return left + fraction * (Self.right - left)
        }
        func y(_ value: Int128) -> Double {
            high == low
                ? (Self.top + Self.bottom) / 2
                : Self.top + Double(high - value) / Double(high - low) * (Self.bottom - Self.top)
        }
        var out = head
        // Axes: the time axis along the bottom, the amount axis on the left, a faint line at each labelled amount.
        out +=
            "<path class=\"axis\" d=\"M\(f(left)) \(f(Self.top - 4))V\(f(Self.bottom + 4))H\(f(Self.right))\"/>"
        for (value, text) in high == low ? [(high, highText)] : [(high, highText), (low, lowText)] {
            out +=
                "<path class=\"grid\" d=\"M\(f(left)) \(f(y(value)))H\(f(Self.right))\"/>"
                + "<text class=\"axis-label\" x=\"\(f(left - 4))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">"
                + "\(esc(text))</text>"
        }
        let middle = Instant(millisecondsSinceEpoch: from.millisecondsSinceEpoch / 2 + to.millisecondsSinceEpoch / 2)
        for (at, anchor) in [(from, "start"), (middle, "middle"), (to, "end")] {
            out +=
                "<path class=\"axis\" d=\"M\(f(x(at))) \(f(Self.bottom + 4))v4\"/>"
                + "<text class=\"axis-label\" x=\"\(f(x(at)))\" y=\"\(f(Self.bottom + 20))\" text-anchor=\"\(anchor)\">"
                + "\(esc(dateText(at)))</text>"
        }
        // The line: horizontal while a value holds, vertical where it changes; broken while the account is gone.
        var segments: [[String]] = []
        var current: [String] = []
        var previous: Int128?
        var marks = ""
        for step in steps {
            guard let value = step.value else {
                if !current.isEmpty { segments.append(current) }
                current = []
                previous = nil
                continue
            }
            let px = f(x(step.at))
            if let previous { current.append("\(px),\(f(y(previous)))") }
            current.append("\(px),\(f(y(value.nanos)))")
            previous = value.nanos
            marks +=
                "<circle class=\"step\" cx=\"\(px)\" cy=\"\(f(y(value.nanos)))\" r=\"3\"><title>"
                + "\(esc(zone.format(step.at))): \(esc(amountText(value)))</title></circle>"
        }
        if let previous, !current.isEmpty { current.append("\(f(Self.right)),\(f(y(previous)))") }
        if !current.isEmpty { segments.append(current) }
        for segment in segments {
            out +=
                "<polyline class=\"balance-line\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" "
                + "points=\"\(segment.joined(separator: " "))\"/>"
        }
        return out + marks + "</svg>"
    }

    /// An amount with its unit, at the unit's scale.
    func amountText(_ value: FixedDecimal) -> String {
        scales.text(value, in: unit) + (unit.map { " " + $0.name } ?? "")
    }

    /// A date for the time axis: the day, or the day and time when the window is shorter than three days.
    func dateText(_ at: Instant) -> String {
        let text = zone.format(at)
        return to.millisecondsSinceEpoch - from.millisecondsSinceEpoch >= 3 * 86_400_000
            ? String(text.prefix(10)) : String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// A coordinate with one decimal, the precision a screen can show.
    func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
