import Foundation
import Hummingbird
import NIOCore

/// Limits what one client may ask: a request body of at most ``maximumBodyBytes`` (the API reads none; 413
/// beyond), and a rate per client address (a token bucket; 429 with Retry-After beyond), so that no client can
/// starve the others or the sync of the cooperative threads.
struct RequestLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    static var maximumBodyBytes: Int { 64 * 1024 }
    let buckets: RateBuckets

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodyBytes {
            throw APIError(.contentTooLarge, "request bodies are limited to \(Self.maximumBodyBytes) bytes")
        }
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = buckets.take(client, now: ContinuousClock.now) {
            var error = APIError(.tooManyRequests, "too many requests from this address; retry after \(wait) s")
            error.headers = [.retryAfter: String(wait)]
            throw error
        }
        return try await next(request, context)
    }
}

/// A token bucket per client address: `rate` requests a second, bursts up to `burst`.
final class RateBuckets: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    let rate: Double
    let burst: Double

    /// - Parameters:
    ///   - rate: Requests a second per address (0 turns the limit off).
    ///   - burst: The most requests at once.
    init(rate: Int, burst: Int) {
        self.rate = Double(rate)
        self.burst = Double(max(burst, 1))
    }

    /// Takes a token for `client`; `nil` when it may go on, else the whole seconds to wait.
    func take(_ client: String, now: ContinuousClock.Instant) -> Int? {
        guard rate > 0 else { return nil }
        return lock.withLock {
            // Addresses idle long enough to be full again are forgotten, so the table stays small.
            if buckets.count > 10_000 {
                buckets = buckets.filter { now - $0.value.at < .seconds(burst / rate) }
            }
            var bucket = buckets[client] ?? (burst, now)
            let elapsed = now - bucket.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
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
}
