import LedgerCore

/// The last `/metrics` exposition, shared by the scrapes of a few seconds: one read of the ledger serves every
/// scraper that asks meanwhile, and concurrent scrapes wait for the one read in flight instead of each starting
/// their own. The ledger changes only when a sync writes, and Prometheus scrapes every 15 to 60 seconds, so an
/// answer at most ``maximumAge`` old costs nothing in freshness.
actor MetricsCache {
    /// How old an exposition may be when it is served again.
    let maximumAge: Duration
    private let clock: any LedgerClock
    private var cached: (text: String, at: Instant)?
    private var inFlight: Task<String, any Error>?

    init(maximumAge: Duration, clock: any LedgerClock) {
        self.maximumAge = maximumAge
        self.clock = clock
    }

    /// The cached exposition if fresh, else the one being computed, else a new one from `compute`.
    func text(_ compute: @escaping @Sendable () async throws -> String) async throws -> String {
        if let cached, clock.now().millisecondsSinceEpoch - cached.at.millisecondsSinceEpoch < maximumAge.milliseconds {
            return cached.text
        }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await compute() }
        inFlight = task
        defer { inFlight = nil }
        let text = try await task.value
        cached = (text, clock.now())
        return text
    }
}
