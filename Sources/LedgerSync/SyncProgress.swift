import Foundation
import LedgerStore

/// Live progress of a run, per source: what is done of what is known, and how fast.
public final class SyncProgress: @unchecked Sendable {
    public struct Line: Sendable, Equatable {
        /// The source instance's name.
        public var source: String
        /// Targets fetched (or failed) so far.
        public var done: Int
        /// Targets known so far (discovery may still add to it).
        public var total: Int
        /// Failed fetches so far.
        public var errors: Int
    }

    private let lock = NSLock()
    private var lines: [String: Line] = [:]
    private var order: [String] = []
    private let started: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private let render: @Sendable ([Line], Duration) -> Void
    private var lastRender: ContinuousClock.Instant?

    /// - Parameter render: Receives every line and the elapsed time, at most ten times a second and at the end.
    public init(render: @escaping @Sendable ([Line], Duration) -> Void) {
        self.render = render
        started = clock.now
    }

    /// Adds targets as discovery lists them.
    func discovered(_ source: String, _ count: Int) {
        update(source) { $0.total += count }
    }

    func finished(_ source: String, _ counts: RunCounts) {
        update(source) {
            $0.done += counts.targets
            $0.errors += counts.errors
        }
    }

    /// Renders the final state.
    public func finish() {
        let snapshot = lock.withLock { order.compactMap { lines[$0] } }
        render(snapshot, clock.now - started)
    }

    private func update(_ source: String, _ change: (inout Line) -> Void) {
        let now = clock.now
        let snapshot: [Line]? = lock.withLock {
            if lines[source] == nil {
                lines[source] = Line(source: source, done: 0, total: 0, errors: 0)
                order.append(source)
            }
            change(&lines[source]!)
            if let last = lastRender, now - last < .milliseconds(100) { return nil }
            lastRender = now
            return order.compactMap { lines[$0] }
        }
        if let snapshot { render(snapshot, now - started) }
    }

    /// `mr  120/500  40.0/s  2 errors  ETA 10s`: one text line per source.
    public static func text(_ line: Line, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(line.done) / seconds : 0
        let remaining = max(0, line.total - line.done)
        let eta = rate > 0 ? "ETA \(Int((Double(remaining) / rate).rounded(.up)))s" : "ETA -"
        return "\(line.source)  \(line.done)/\(line.total)  \(String(format: "%.1f", rate))/s  \(line.errors) errors  "
            + (remaining == 0 ? "done" : eta)
    }
}
