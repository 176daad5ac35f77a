import Foundation
import Hummingbird
import LedgerCore
import NIOCore

/// Limits what one client may ask: a request body of at most ``maximumBodyBytes`` (413 beyond, whether the body
/// declares its length or comes chunked), and a rate per client address (a token bucket; 429 with Retry-After
/// beyond), so that no client can starve the others or the sync of the cooperative threads.
struct RequestLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    static var maximumBodyBytes: Int { 64 * 1024 }
    let buckets: RateBuckets

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        var request = request
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            if length > Self.maximumBodyBytes { throw Self.tooLarge }
        } else {
            // No declared length (chunked): the body is read here, up to the limit, so that no handler meets a
            // longer one and every route answers 413 alike. A request without a body reads nothing.
            do {
                _ = try await request.collectBody(upTo: Self.maximumBodyBytes)
            } catch is NIOTooManyBytesError {
                throw Self.tooLarge
            }
        }
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = buckets.take(client) {
            var error = APIError(.tooManyRequests, "too many requests from this address; retry after \(wait) s")
            error.headers = [.retryAfter: String(wait)]
            throw error
        }
        return try await next(request, context)
    }

    static var tooLarge: APIError {
        APIError(.contentTooLarge, "request bodies are limited to \(maximumBodyBytes) bytes")
    }
}

/// A token bucket per client address: `rate` requests a second, bursts up to `burst`, timed by the clock given.
final class RateBuckets: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Instant)] = [:]
    private let clock: any LedgerClock
    let rate: Double
    let burst: Double

    /// - Parameters:
    ///   - rate: Requests a second per address (0 turns the limit off).
    ///   - burst: The most requests at once.
    ///   - clock: What the refill is timed by.
    init(rate: Int, burst: Int, clock: any LedgerClock) {
        self.rate = Double(rate)
        self.burst = Double(max(burst, 1))
        self.clock = clock
    }

    /// Takes a token for `client`; `nil` when it may go on, else the whole seconds to wait.
    func take(_ client: String) -> Int? {
        guard rate > 0 else { return nil }
        let now = clock.now()
        return lock.withLock {
            // Addresses idle long enough to be full again are forgotten, so the table stays small.
            if buckets.count > 10_000 {
                buckets = buckets.filter { seconds(from: $0.value.at, to: now) < burst / rate }
            }
            var bucket = buckets[client] ?? (burst, now)
            // A clock set back refills nothing rather than draining the bucket.
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds(from: bucket.at, to: now)) * rate)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            return nil
        }
    }

    private func seconds(from start: Instant, to end: Instant) -> Double {
        Double(end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000
    }
}
