import Foundation
import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import Logging
import Testing

/// A transport that answers 200 after a pause and records how many exchanges were in flight at once.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var inFlight = 0
    private(set) var peak = 0
    private(set) var starts: [ContinuousClock.Instant] = []
    let pause: Duration

    init(pause: Duration) { self.pause = pause }

    func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        lock.withLock {
            inFlight += 1
            peak = max(peak, inFlight)
            starts.append(ContinuousClock.now)
        }
        try? await Task.sleep(for: pause)
        lock.withLock { inFlight -= 1 }
        return (200, [], Array("{}".utf8))
    }
}

@Suite("Source limits")
struct LimitsTests {
    static let noLog = Logger(label: "limits") { _ in SwiftLogNoOpLogHandler() }

    @Test("No more requests in flight than the source's concurrency")
    func concurrency() async throws {
        let transport = CountingTransport(pause: .milliseconds(20))
        let http = SourceHTTPClient(
            source: "s", transport: transport, limits: SourceLimits(concurrency: 3), logger: Self.noLog)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<30 {
                group.addTask {
                    _ = try? await http.send(SourceRequest(url: "http://x/\(index)", redactedURL: "x"), target: "t")
                }
            }
        }
        #expect(transport.peak == 3)
        #expect(transport.starts.count == 30)
    }

    @Test("Request starts are spaced by the source's rate")
    func rate() async throws {
        let transport = CountingTransport(pause: .zero)
        let http = SourceHTTPClient(
            source: "s", transport: transport, limits: SourceLimits(concurrency: 8, requestsPerSecond: 50),
            logger: Self.noLog)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<11 {
                group.addTask {
                    _ = try? await http.send(SourceRequest(url: "http://x/\(index)", redactedURL: "x"), target: "t")
                }
            }
        }
        let starts = transport.starts.sorted()
        // 11 starts at 50 per second span at least 10 intervals of 20 ms.
        #expect(starts.last! - starts.first! >= .milliseconds(195))
    }

    @Test("Backoff doubles, is capped, and is jittered within its upper half")
    func backoff() {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .milliseconds(100), maximumDelay: .seconds(1))
        #expect(policy.backoff(after: 1) { _ in 0 } == .milliseconds(50))
        #expect(policy.backoff(after: 1) { $0 - 1 } == .milliseconds(100))
        #expect(policy.backoff(after: 3) { _ in 0 } == .milliseconds(200))
        #expect(policy.backoff(after: 9) { $0 - 1 } == .seconds(1))
        #expect(policy.backoff(after: 60) { _ in 0 } == .milliseconds(500))
    }
}
