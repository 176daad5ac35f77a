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
        /// What the step's point says on hover or focus (the version's times and figures); `nil`: its instant
        /// and value.
        public var detail: String?

        /// A step at an instant.
        public init(at: Instant, value: FixedDecimal?, detail: String? = nil) {
            self.at = at
            self.value = value
            self.detail = detail
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

    /// The drawing's width in its own units (the page scales it to the width it is given: a wider drawing keeps
    /// its labels small on a wide page).
    public var width = 360.0
    /// The drawing's height in its own units.
    public var height = 150.0
    /// The plot area's top and bottom, and its right end.
    var top: Double { 16 }
    var bottom: Double { height - 38 }
    var right: Double { width - 10 }

    /// The chart as an inline `<svg class="chart">` element.
    public func svg() -> String {
        let values = steps.compactMap(\.value)
        let head =
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"\(esc(label))\"><title>\(esc(label))</title>"
        guard let low = values.map(\.nanos).min(), let high = values.map(\.nanos).max() else {
            return head + "<text class=\"axis-label\" x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" "
                + "text-anchor=\"middle\">no balance in this period</text></svg>"
        }
        let lowText = amountText(values.first { $0.nanos == low }!)
        let highText = amountText(values.first { $0.nanos == high }!)
        // The amount labels sit left of the plot: their width decides where it starts (≈ 6.8 units a character
        // at the labels' size; tabular digits keep that honest).
        let left = min(12 + Double(max(lowText.count, highText.count)) * 6.8, width / 2)
        let start = Double(from.millisecondsSinceEpoch)
        let span = max(1, Double(to.millisecondsSinceEpoch) - start)
        func x(_ at: Instant) -> Double {
            let fraction = min(1, max(0, (Double(at.millisecondsSinceEpoch) - start) / span))
            return left + fraction * (right - left)
        }
        func y(_ value: Int128) -> Double {
            high == low
                ? (top + bottom) / 2
                : top + Double(high - value) / Double(high - low) * (bottom - top)
        }
        var out = head
        // Axes: the time axis along the bottom, the amount axis on the left, a faint line at each labelled amount.
        out +=
            "<path class=\"axis\" d=\"M\(f(left)) \(f(top - 4))V\(f(bottom + 4))H\(f(right))\"/>"
        for (value, text) in high == low ? [(high, highText)] : [(high, highText), (low, lowText)] {
            out +=
                "<path class=\"grid\" d=\"M\(f(left)) \(f(y(value)))H\(f(right))\"/>"
                + "<text class=\"axis-label\" x=\"\(f(left - 4))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">"
                + "\(esc(text))</text>"
        }
        for tick in timeTicks(left: left) {
            out +=
                "<path class=\"axis\" d=\"M\(f(x(tick.at))) \(f(bottom + 4))v4\"/>"
                + "<text class=\"axis-label\" x=\"\(f(x(tick.at)))\" y=\"\(f(bottom + 20))\" "
                + "text-anchor=\"\(tick.anchor.rawValue)\">\(esc(tick.text))</text>"
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
            if let detail = step.detail {
                // A point a reader can hover or tab to; the page's script shows `data-readout` beside the chart.
                marks +=
                    "<circle class=\"step\" cx=\"\(px)\" cy=\"\(f(y(value.nanos)))\" r=\"4\" tabindex=\"0\" "
                    + "data-readout=\"\(esc(detail))\"><title>\(esc(detail))</title></circle>"
            } else {
                marks +=
                    "<circle class=\"step\" cx=\"\(px)\" cy=\"\(f(y(value.nanos)))\" r=\"3\"><title>"
                    + "\(esc(zone.format(step.at))): \(esc(amountText(value)))</title></circle>"
            }
        }
        if let previous, !current.isEmpty { current.append("\(f(right)),\(f(y(previous)))") }
        if !current.isEmpty { segments.append(current) }
        for segment in segments {
            out +=
                "<polyline class=\"balance-line\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" "
                + "points=\"\(segment.joined(separator: " "))\"/>"
        }
        return out + marks + "</svg>"
    }

    /// A small trend line with no axes (a table cell's sparkline): the same steps over the same window, as
    /// `<svg class="spark">`, with the label for assistive technology.
    public func sparkline(width: Int = 120, height: Int = 28) -> String {
        let values = steps.compactMap(\.value).map(\.nanos)
        let head =
            "<svg class=\"spark\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(esc(label))\">"
        guard let low = values.min(), let high = values.max() else { return head + "</svg>" }
        let start = Double(from.millisecondsSinceEpoch)
        let span = max(1, Double(to.millisecondsSinceEpoch) - start)
        let w = Double(width) - 2
        let h = Double(height) - 4
        func x(_ at: Instant) -> Double {
            1 + min(1, max(0, (Double(at.millisecondsSinceEpoch) - start) / span)) * w
        }
        func y(_ value: Int128) -> Double {
            high == low ? 2 + h / 2 : 2 + Double(high - value) / Double(high - low) * h
        }
        var points: [String] = []
        var previous: Int128?
        for step in steps {
            guard let value = step.value?.nanos else { continue }
            if let previous { points.append("\(f(x(step.at))),\(f(y(previous)))") }
            points.append("\(f(x(step.at))),\(f(y(value)))")
            previous = value
        }
        if let previous { points.append("\(f(1 + w)),\(f(y(previous)))") }
        return head
            + "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            + "</svg>"
    }

    /// An amount with its unit, at the unit's scale.
    func amountText(_ value: FixedDecimal) -> String {
        scales.labelled(value, in: unit)
    }

    /// A label on the time axis.
    struct Tick: Equatable {
        var at: Instant
        var text: String
        /// Where the label sits against its tick: every label stays inside the drawing.
        var anchor: Anchor
    }

    /// An SVG `text-anchor`: the first label starts at its tick, the last ends at it, the others are centred.
    enum Anchor: String {
        case start, middle, end
    }

    /// The most evenly spaced time labels (up to five) whose boxes do not touch, given where the plot starts.
    ///
    /// A window of three days or more is labelled by day; a shorter one by minute, with the date only where the
    /// day changes, so that the labels of a few hours' history stay short. A label's width is estimated from its
    /// characters at ``characterWidth`` (an upper bound for the axis font's tabular digits), and neighbours keep
    /// ``labelGap`` apart.
    func timeTicks(left: Double) -> [Tick] {
        let plot = right - left
        // Five labels down to two; then the start alone, in full and then as its day; then none.
        var candidates = stride(from: 5, through: 2, by: -1).map { ticks($0) }
        if let first = ticks(2).first {
            candidates.append([first])
            candidates.append([Tick(at: first.at, text: String(first.text.prefix(10)), anchor: .start)])
        }
        for ticks in candidates {
            let boxes = ticks.map { tick -> (Double, Double) in
                let position = left + plot * fraction(of: tick.at)
                let width = Double(tick.text.count) * Self.characterWidth
                switch tick.anchor {
                case .start: return (position, position + width)
                case .end: return (position - width, position)
                case .middle: return (position - width / 2, position + width / 2)
                }
            }
            let apart = zip(boxes, boxes.dropFirst()).allSatisfy { $0.1 + Self.labelGap <= $1.0 }
            if apart && boxes.allSatisfy({ $0.0 >= 0 && $0.1 <= width }) { return ticks }
        }
        return []
    }

    /// How wide one character of an axis label is at most, in the drawing's units (11-unit tabular digits).
    public static let characterWidth = 6.8
    /// The least space between two axis labels.
    static let labelGap = 8.0

    private func fraction(of at: Instant) -> Double {
        let span = max(1, Double(to.millisecondsSinceEpoch - from.millisecondsSinceEpoch))
        return min(1, max(0, Double(at.millisecondsSinceEpoch - from.millisecondsSinceEpoch) / span))
    }

    /// `count` ticks spread evenly from the window's start to its end.
    private func ticks(_ count: Int) -> [Tick] {
        let span = to.millisecondsSinceEpoch - from.millisecondsSinceEpoch
        var ticks: [Tick] = []
        var previousDay: Substring?
        for index in 0..<count {
            let at = Instant(
                millisecondsSinceEpoch: from.millisecondsSinceEpoch + span * Int64(index) / Int64(count - 1))
            let text = zone.format(at)
            let day = text.prefix(10)
            let label: String
            if span >= 3 * 86_400_000 {
                label = String(day)
            } else {
                let time = text.dropFirst(11).prefix(5)
                // The date where the day changes (in full on the first label), else the time alone.
                switch previousDay {
                case nil: label = "\(day) \(time)"
                case day: label = String(time)
                default: label = "\(text.dropFirst(5).prefix(5)) \(time)"
                }
            }
            previousDay = day
            let anchor: Anchor = index == 0 ? .start : index == count - 1 ? .end : .middle
            ticks.append(Tick(at: at, text: label, anchor: anchor))
        }
        return ticks
    }

    /// A coordinate with one decimal, the precision a screen can show.
    func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
