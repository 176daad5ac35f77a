/// How hard and how long a connector may press one source.
public struct SourceLimits: Sendable, Hashable {
    /// Requests in flight at once for the source.
    public var concurrency: Int
    /// Requests started per second for the source; `nil` for no limit.
    public var requestsPerSecond: Int?
    /// The deadline for one exchange, from sending to the last byte.
    public var requestTimeout: Duration
    /// The largest response body accepted.
    public var maximumBodyBytes: Int
    /// When and how often a failed request is tried again.
    public var retry: RetryPolicy

    /// Limits; the defaults are those a config gets when it sets none.
    public init(
        concurrency: Int = 8, requestsPerSecond: Int? = nil, requestTimeout: Duration = .seconds(30),
        maximumBodyBytes: Int = 4 * 1024 * 1024, retry: RetryPolicy = RetryPolicy()
    ) {
        self.concurrency = max(1, concurrency)
        self.requestsPerSecond = requestsPerSecond.map { max(1, $0) }
        self.requestTimeout = requestTimeout
        self.maximumBodyBytes = maximumBodyBytes
        self.retry = retry
    }
}

/// When to try a request again: on 5xx, 429, timeouts and dropped connections, with exponential backoff and jitter,
/// waiting at least as long as a Retry-After header asks.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The backoff before the second attempt; it doubles for each further one.
    public var baseDelay: Duration
    /// The longest backoff.
    public var maximumDelay: Duration
    /// The longest Retry-After honoured; a server asking for more gets no retry in this run.
    public var maximumRetryAfter: Duration

    /// A policy; the defaults are those a config gets when it sets none.
    public init(
        maximumAttempts: Int = 4, baseDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(20),
        maximumRetryAfter: Duration = .seconds(120)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The backoff before attempt `attempt + 1`: `baseDelay · 2^(attempt−1)`, capped, then jittered into its
    /// upper half so that many clients do not retry in step.
    /// - Parameters:
    ///   - attempt: The attempt that just failed, from 1.
    ///   - random: Returns a whole number in `0..<bound`.
    public func backoff(after attempt: Int, random: (Int64) -> Int64) -> Duration {
        let base = baseDelay.milliseconds
        let cap = maximumDelay.milliseconds
        let exponential = attempt >= 40 ? cap : min(cap, base << Int64(max(0, attempt - 1)))
        let half = exponential / 2
        return .milliseconds(half + (half > 0 ? random(half + 1) : 0))
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
