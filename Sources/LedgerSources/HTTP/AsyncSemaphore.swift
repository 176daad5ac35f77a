/// Limits how many tasks hold a permit at once; waiters are served in arrival order.
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        available = permits
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Spaces request starts at least `1/rate` seconds apart.
actor RateLimiter {
    private let interval: Duration
    private var next: ContinuousClock.Instant
    private let clock = ContinuousClock()

    init(requestsPerSecond: Int) {
        interval = .seconds(1) / requestsPerSecond
        next = clock.now
    }

    /// Waits for the next start slot.
    func acquire() async throws {
        let now = clock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try await clock.sleep(until: slot) }
    }
}
