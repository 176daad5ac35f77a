import LedgerCore
import Logging

/// Sends a source's requests through a transport with its limits: bounded concurrency, a request rate, a size cap,
/// a deadline per exchange, and retries with backoff on failures that may pass.
public final class SourceHTTPClient: Sendable {
    /// The configured name of the source instance, for errors and logs.
    public let source: String
    /// The source's limits.
    public let limits: SourceLimits
    private let transport: any HTTPTransport
    private let clock: any LedgerClock
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable (Int64) -> Int64
    private let semaphore: AsyncSemaphore
    private let rateLimiter: RateLimiter?
    private let logger: Logger

    /// - Parameters:
    ///   - source: The source instance's name.
    ///   - transport: Where requests go.
    ///   - limits: Concurrency, rate, timeout, size and retry settings.
    ///   - clock: Stamps responses and resolves HTTP-date Retry-After values.
    ///   - sleep: Waits between attempts (a test passes one that records instead).
    ///   - random: Returns a whole number in `0..<bound`, for jitter.
    ///   - logger: Receives retries and failures, with redacted URLs only.
    public init(
        source: String, transport: any HTTPTransport, limits: SourceLimits, clock: any LedgerClock = SystemClock(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (Int64) -> Int64 = { Int64.random(in: 0..<$0) },
        logger: Logger
    ) {
        self.source = source
        self.transport = transport
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self.random = random
        self.semaphore = AsyncSemaphore(permits: limits.concurrency)
        self.rateLimiter = limits.requestsPerSecond.map { RateLimiter(requestsPerSecond: $0) }
        self.logger = logger
    }

    /// The default retry rule: 429 and every 5xx.
    public static let retryOnThrottleOrServerError: @Sendable (SourceResponse) -> Bool = { response in
        response.status == 429 || response.status >= 500
    }

    /// Sends a request, retrying as the limits allow.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - target: What is asked for, for errors: `client 17`.
    ///   - shouldRetry: Whether a complete response is worth another attempt.
    /// - Returns: The final response, whatever its status: after a retryable status the attempts ran out or the
    ///   server asked to wait longer than ``RetryPolicy/maximumRetryAfter``. The connector reads it.
    /// - Throws: ``SourceError`` when no complete response arrived (timeout, connection, size cap, cancellation).
    public func send(
        _ request: SourceRequest, target: String,
        shouldRetry: @Sendable (SourceResponse) -> Bool = SourceHTTPClient.retryOnThrottleOrServerError
    ) async throws(SourceError) -> SourceResponse {
        try await send(target: target, shouldRetry: shouldRetry) { request }
    }

    /// Sends a request built afresh for each attempt (a signed request needs a new nonce and date every time).
    ///
    /// - Parameters:
    ///   - target: What is asked for, for errors: `client 17`.
    ///   - shouldRetry: Whether a complete response is worth another attempt.
    ///   - makeRequest: Builds the request for one attempt.
    /// - Returns: The final response, whatever its status (see ``send(_:target:shouldRetry:)``).
    /// - Throws: ``SourceError`` when no complete response arrived.
    public func send(
        target: String,
        shouldRetry: @Sendable (SourceResponse) -> Bool = SourceHTTPClient.retryOnThrottleOrServerError,
        makeRequest: () -> SourceRequest
    ) async throws(SourceError) -> SourceResponse {
        let policy = limits.retry
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw error(.cancelled, target: target, message: "cancelled", attempts: attempt) }
            let request = makeRequest()
            await semaphore.acquire()
            let outcome:
                Result<(status: Int, headers: [(name: String, value: String)], body: [UInt8]), TransportFailure>
            do {
                try await rateLimiter?.acquire()
                outcome = .success(
                    try await transport.send(
                        request, timeout: limits.requestTimeout, maximumBodyBytes: limits.maximumBodyBytes))
            } catch let failure as TransportFailure {
                outcome = .failure(failure)
            } catch {
                outcome = .failure(.cancelled)
            }
            await semaphore.release()

            switch outcome {
            case .success(let answer):
                let response = SourceResponse(
                    status: answer.status, headers: answer.headers, body: answer.body, receivedAt: clock.now(),
                    method: request.method, redactedURL: request.redactedURL, action: request.action,
                    attempts: attempt, requestIDHeader: request.requestIDHeader)
                guard attempt < policy.maximumAttempts, shouldRetry(response) else { return response }
                let backoff = policy.backoff(after: attempt, random: random)
                let delay: Duration
                if let retryAfter = retryAfter(response) {
                    guard retryAfter <= policy.maximumRetryAfter else {
                        logger.warning(
                            "source asked to retry later than allowed; not retrying",
                            metadata: [
                                "source": "\(source)", "url": "\(request.redactedURL)",
                                "retryAfterSeconds": "\(retryAfter.components.seconds)",
                            ])
                        return response
                    }
                    delay = max(retryAfter, backoff)
                } else {
                    delay = backoff
                }
                logger.notice(
                    "retrying after HTTP \(response.status)",
                    metadata: [
                        "source": "\(source)", "url": "\(request.redactedURL)", "attempt": "\(attempt)",
                        "delayMilliseconds": "\(delay.milliseconds)",
                    ])
                try await pause(delay, target: target, attempts: attempt)
            case .failure(let failure):
                guard failure.isRetryable, attempt < policy.maximumAttempts else {
                    throw error(for: failure, target: target, attempts: attempt)
                }
                let delay = policy.backoff(after: attempt, random: random)
                logger.notice(
                    "retrying after \(failure)",
                    metadata: [
                        "source": "\(source)", "url": "\(request.redactedURL)", "attempt": "\(attempt)",
                        "delayMilliseconds": "\(delay.milliseconds)",
                    ])
                try await pause(delay, target: target, attempts: attempt)
            }
        }
    }

    private func pause(_ delay: Duration, target: String, attempts: Int) async throws(SourceError) {
        do {
            try await sleep(delay)
        } catch {
            throw self.error(
                .cancelled, target: target, message: "cancelled while waiting to retry", attempts: attempts)
        }
    }

    /// The wait a response asks for in Retry-After: delay-seconds or an HTTP date.
    func retryAfter(_ response: SourceResponse) -> Duration? {
        response.header("retry-after").flatMap { RetryAfter.delay($0, now: clock.now()) }
    }

    private func error(for failure: TransportFailure, target: String, attempts: Int) -> SourceError {
        switch failure {
        case .timeout:
            error(
                .timeout, target: target, message: "no complete response within \(limits.requestTimeout)",
                retryable: true, attempts: attempts)
        case .connection(let reason):
            error(
                .connection, target: target, message: "the connection failed: \(reason)", retryable: true,
                attempts: attempts)
        case .bodyTooLarge(let limit):
            error(
                .tooLarge, target: target, message: "the response body is larger than \(limit) bytes",
                attempts: attempts)
        case .invalidRequest(let reason):
            error(.configuration, target: target, message: reason, attempts: attempts)
        case .cancelled:
            error(.cancelled, target: target, message: "cancelled", attempts: attempts)
        }
    }

    private func error(
        _ kind: SourceError.Kind, target: String, message: String, retryable: Bool = false, attempts: Int
    ) -> SourceError {
        SourceError(
            kind: kind, source: source, target: target, message: message, retryable: retryable,
            attempts: attempts)
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
