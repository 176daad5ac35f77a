import Foundation
import LedgerCore
import LedgerStore
import LedgerSources
@testable import LedgerSync
import Testing

@Suite("Feeding targets with their states, a chunk at a time")
struct TargetFeedTests {
    /// Counts the reads and the targets the source handed out.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var reads: [[AccountKey]] = []
        private var produced = 0
        func read(_ keys: [AccountKey]) { lock.withLock { reads.append(keys) } }
        func produce(_ count: Int) { lock.withLock { produced += count } }
        var allReads: [[AccountKey]] { lock.withLock { reads } }
        var producedCount: Int { lock.withLock { produced } }
    }

    /// A source that hands out `sizes` batches of consecutive ModelRouter targets.
    actor Batches {
        private var sizes: [Int]
        private var next = 0
        private let log: Log
        init(_ sizes: [Int], log: Log) {
            self.sizes = sizes
            self.log = log
        }
        func take() -> [Target]? {
            guard !sizes.isEmpty else { return nil }
            let size = sizes.removeFirst()
            defer { next += size }
            log.produce(size)
            return (next..<next + size).map { Target(key: .modelRouter(clientID: Int64($0)), name: "n\($0)") }
        }
    }

    static func states(_ keys: [AccountKey]) -> [AccountKey: AccountState] {
        Dictionary(
            uniqueKeysWithValues: keys.filter { !$0.description.hasSuffix("3") }.map {
                ($0, AccountState(contentHash: $0.description, displayName: nil, logCursor: nil))
            })
    }

    @Test(
        "Every target comes once, in order, with its own state; reads are whole chunks; the source is read only a little ahead"
    )
    func chunks() async throws {
        let log = Log()
        let sizes = [0, 1, 100, 0, 700, 5, 64, 63, 67]  // 1,000 targets in batches smaller and larger than a chunk
        let batches = Batches(sizes, log: log)
        let feed = TargetFeed(chunkSize: 64, batches: { await batches.take() }) { keys async throws(StoreError) in
            log.read(keys)
            try? await Task.sleep(for: .milliseconds(1))
            return Self.states(keys)
        }
        var seen = 0
        while let (target, state) = try await feed.next() {
            #expect(target.key == .modelRouter(clientID: Int64(seen)))
            #expect(target.name == "n\(seen)")
            #expect(state?.contentHash == (target.key.description.hasSuffix("3") ? nil : target.key.description))
            seen += 1
            // At most this chunk, the chunk read ahead, and the rest of the largest batch are held.
            #expect(log.producedCount - seen <= 64 * 2 + 700)
        }
        #expect(seen == 1_000)
        #expect(try await feed.next() == nil)
        let reads = log.allReads
        #expect(reads.dropLast().allSatisfy { $0.count == 64 })
        #expect(reads.map(\.count).reduce(0, +) == 1_000)
        #expect(reads.count == 16)
    }

    @Test("A source that hands out nothing ends the feed without a read")
    func empty() async throws {
        let log = Log()
        let batches = Batches([0, 0], log: log)
        let feed = TargetFeed(chunkSize: 8, batches: { await batches.take() }) { keys async throws(StoreError) in
            log.read(keys)
            return [:]
        }
        #expect(try await feed.next() == nil)
        #expect(log.allReads.isEmpty)
    }

    @Test("A failed read ends the feed with the store's error after the chunks before it")
    func failure() async throws {
        let log = Log()
        let batches = Batches([10], log: log)
        let feed = TargetFeed(chunkSize: 4, batches: { await batches.take() }) { keys async throws(StoreError) in
            if keys.contains(.modelRouter(clientID: 5)) {
                throw StoreError(.sqlite("disk I/O error"), path: "/tmp/x.sqlite")
            }
            return [:]
        }
        for expected in 0..<4 { #expect(try await feed.next()?.target.key == .modelRouter(clientID: Int64(expected))) }
        await #expect(throws: StoreError.self) { try await feed.next() }
    }

    @Test("Configured targets without discovery come in batches, each account once, in the configured order")
    func configuredOnly() async throws {
        let keys = [3, 1, 3, 2, 1, 4, 5].map { AccountKey.dmsCredit(orgID: $0, orgType: 2) }
        let targets = SourceTargets(configured: AccountList(keys), listing: nil, batchSize: 2) {
            _ async throws(StoreError) in
        }
        var batches: [[AccountKey]] = []
        while let batch = try await targets.next() { batches.append(batch.map(\.key)) }
        #expect(batches.flatMap { $0 } == [3, 1, 2, 4, 5].map { AccountKey.dmsCredit(orgID: $0, orgType: 2) })
        #expect(batches.allSatisfy { $0.count <= 2 })
        #expect(await targets.discovery == .none)
        #expect(await targets.count == 5)
    }

    actor Settled {
        var entries: [[String]] = []
        func add(_ messages: [String]) { entries.append(messages) }
    }

    /// A listing of any source: pages given up front, and how the listing ends.
    actor FakeListing: AccountDiscovery {
        private var pages: [[DiscoveredAccount]]
        private let ending: ListingOutcome
        init(_ pages: [[DiscoveredAccount]], ending: ListingOutcome) {
            self.pages = pages
            self.ending = ending
        }
        func next() async -> [DiscoveredAccount]? { pages.isEmpty ? nil : pages.removeFirst() }
        func outcome() async -> ListingOutcome { ending }
    }

    @Test(
        "Any source's listing: listed accounts first; a configured one listed with a name comes with it, without a name at its configured place; an incomplete listing is settled"
    )
    func anyListing() async throws {
        func mr(_ id: Int64) -> AccountKey { .modelRouter(clientID: id) }
        let failure = SourceError(
            kind: .paging, source: "x", target: "list", message: "repeated token", retryable: false)
        let listing = FakeListing(
            [
                [DiscoveredAccount(key: mr(1), name: "one"), DiscoveredAccount(key: mr(7), name: "seven")],
                [DiscoveredAccount(key: mr(8), name: nil), DiscoveredAccount(key: mr(2), name: nil)],
            ],
            ending: ListingOutcome(complete: false, failures: [failure]))
        let settled = Settled()
        let targets = SourceTargets(configured: AccountList([mr(7), mr(8), mr(9)]), listing: listing, batchSize: 10) {
            outcome async throws(StoreError) in
            await settled.add(outcome.failures.map(\.message))
        }
        var handed: [(AccountKey, String?)] = []
        while let batch = try await targets.next() { handed += batch.map { ($0.key, $0.name) } }
        // 7 is listed with a name: handed at discovery, once. 8 is listed without one: at its configured place.
        #expect(handed.map(\.0) == [mr(1), mr(7), mr(2), mr(8), mr(9)])
        #expect(handed.map(\.1) == ["one", "seven", nil, nil, nil])
        #expect(await targets.discovery == .partial)
        #expect(await settled.entries == [["repeated token"]])
    }

    @Test("Unchanged targets come out in full batches, and the rest when drained")
    func unchangedBatches() {
        let unchanged = UnchangedTargets(batch: 3)
        let keys = (0..<7).map { AccountKey.modelRouter(clientID: Int64($0)) }
        let batches = keys.compactMap { unchanged.add($0) }
        #expect(batches == [Array(keys[0..<3]), Array(keys[3..<6])])
        #expect(unchanged.drain() == [keys[6]])
        #expect(unchanged.drain().isEmpty)
    }
}
