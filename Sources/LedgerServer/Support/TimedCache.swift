import LedgerCore

/// The last answer of an expensive read of the whole ledger, served again until it is ``maximumAge`` old (by the
/// clock given, not by the ledger's change stamp: compare ``StampedCache``), shared by the requests of a few seconds: one read
/// serves every request that asks meanwhile, and concurrent requests wait for the one read in flight instead of
/// each starting their own. The ledger changes only when a sync writes, so an answer at most ``maximumAge`` old
/// costs nothing in freshness. `/metrics` (Prometheus scrapes every 15 to 60 seconds) and the overview's summary
/// (sources, totals, what needs attention) use one each.
actor TimedCache<Value: Sendable> {
    /// How old an answer may be when it is served again.
    let maximumAge: Duration
    private let clock: any LedgerClock
    private var cached: (value: Value, at: Instant)?
    private var inFlight: Task<Value, any Error>?

    init(maximumAge: Duration, clock: any LedgerClock) {
        self.maximumAge = maximumAge
        self.clock = clock
    }

    /// The cached answer if fresh, else the one being computed, else a new one from `compute`.
    func value(_ compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let cached, clock.now().millisecondsSinceEpoch - cached.at.millisecondsSinceEpoch < maximumAge.milliseconds {
            return cached.value
        }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await compute() }
        inFlight = task
        defer { inFlight = nil }
        let value = try await task.value
        cached = (value, clock.now())
        return value
    }
}
