import Foundation
import NIOCore
import Synchronization
import Testing

@testable import LedgerServer

/// The cache behind the JSON lists: one read per question and stamp, bounded, failures never kept.
@Suite("serve: answers kept by change stamp")
struct StampedCacheTests {
    final class Reads: Sendable {
        let count = Mutex(0)
        func read(_ text: String, bytes: Int = 0) async throws -> ByteBuffer {
            count.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(20))
            return ByteBuffer(string: text + String(repeating: " ", count: bytes))
        }
    }

    @Test("Fifty requests for one question at one stamp read once; a newer stamp reads again, an older does not")
    func oneReadPerStamp() async throws {
        let cache = StampedCache()
        let reads = Reads()
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    String(buffer: try await cache.value(key: "a", stamp: 7) { try await reads.read("v7") })
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "v7", count: 50))
        #expect(reads.count.withLock { $0 } == 1)
        #expect(String(buffer: try await cache.value(key: "a", stamp: 6) { try await reads.read("v6") }) == "v7")
        #expect(String(buffer: try await cache.value(key: "a", stamp: 8) { try await reads.read("v8") }) == "v8")
        #expect(String(buffer: try await cache.value(key: "b", stamp: 8) { try await reads.read("b8") }) == "b8")
        #expect(reads.count.withLock { $0 } == 3)
    }

    @Test("A failed read is not kept; entries and bytes stay within their bounds, least recently used out first")
    func boundsAndFailures() async throws {
        struct Refused: Error {}
        let cache = StampedCache(maximumEntries: 3, maximumBytes: 1_000)
        await #expect(throws: Refused.self) { _ = try await cache.value(key: "x", stamp: 1) { throw Refused() } }
        #expect(await cache.count == 0)
        let reads = Reads()
        for key in ["a", "b", "c"] { _ = try await cache.value(key: key, stamp: 1) { try await reads.read(key) } }
        _ = try await cache.value(key: "a", stamp: 1) { try await reads.read("a") }  // a is now the most recent
        _ = try await cache.value(key: "d", stamp: 1) { try await reads.read("d") }  // b goes
        #expect(await cache.count == 3)
        _ = try await cache.value(key: "a", stamp: 1) { try await reads.read("a") }
        _ = try await cache.value(key: "b", stamp: 1) { try await reads.read("b") }
        #expect(reads.count.withLock { $0 } == 5)  // a, b, c, d, then b again; a was still kept
        // 600 bytes each: the second pushes the first out, and an answer over the bound is served but not kept.
        _ = try await cache.value(key: "big1", stamp: 1) { try await reads.read("1", bytes: 600) }
        _ = try await cache.value(key: "big2", stamp: 1) { try await reads.read("2", bytes: 600) }
        let huge = try await cache.value(key: "huge", stamp: 1) { try await reads.read("3", bytes: 2_000) }
        #expect(huge.readableBytes == 2_001)
        #expect(await cache.count <= 3)
        _ = try await cache.value(key: "big2", stamp: 1) { try await reads.read("2", bytes: 600) }
        _ = try await cache.value(key: "huge", stamp: 1) { try await reads.read("3", bytes: 2_000) }
        #expect(reads.count.withLock { $0 } == 9)  // big2 was kept; huge was read twice
    }
}
