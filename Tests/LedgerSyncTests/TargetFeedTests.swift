import Foundation
import LedgerCore
import LedgerStore
@testable import LedgerSync
import Testing

@Suite("Reading target states ahead, a chunk at a time")
struct TargetStatesTests {
    /// Counts the reads and hands each key a state that names it.
    final class Reads: @unchecked Sendable {
        private let lock = NSLock()
        private var batches: [[AccountKey]] = []
        func record(_ keys: [AccountKey]) { lock.withLock { batches.append(keys) } }
        var all: [[AccountKey]] { lock.withLock { batches } }
    }

    static func targets(_ count: Int) -> [Target] {
        (0..<count).map { Target(key: .modelRouter(clientID: Int64($0)), name: nil) }
    }

    @Test("Every target gets its own state, each chunk is read once, and taken chunks are dropped")
    func chunks() async throws {
        let reads = Reads()
        let targets = Self.targets(1_000)
        let states = TargetStates(targets: targets, chunkSize: 64) { keys async throws(StoreError) in
            reads.record(keys)
            try? await Task.sleep(for: .milliseconds(1))
            return Dictionary(uniqueKeysWithValues: keys.filter { $0.description.hasSuffix("3") == false }.map {
                ($0, AccountState(contentHash: $0.description, displayName: nil, logCursor: nil))
            })
        }
        // Taken in a window of 32, out of order within it, as the sync's task group does.
        try await withThrowingTaskGroup(of: (Int, AccountState?).self) { group in
            for window in stride(from: 0, to: 1_000, by: 32) {
                for index in (window..<min(window + 32, 1_000)).shuffled() {
                    group.addTask { (index, try await states.take(index)) }
                }
                for try await (index, state) in group {
                    let key = targets[index].key
                    #expect(state?.contentHash == (key.description.hasSuffix("3") ? nil : key.description))
                }
                #expect(await states.residentChunks <= 3, "only the current chunk and the next are held")
            }
        }
        let batches = reads.all
        #expect(batches.map(\.count).reduce(0, +) == 1_000)
        #expect(Set(batches.flatMap { $0 }).count == 1_000, "no target is read twice")
        #expect(batches.count == 16)
        #expect(await states.residentChunks == 0)
    }

    @Test("A failed read fails the targets of that chunk with the store's error")
    func failure() async throws {
        let states = TargetStates(targets: Self.targets(10), chunkSize: 4) { keys async throws(StoreError) in
            if keys.contains(.modelRouter(clientID: 5)) {
                throw StoreError(.sqlite("disk I/O error"), path: "/tmp/x.sqlite")
            }
            return [:]
        }
        #expect(try await states.take(0) == nil)
        await #expect(throws: StoreError.self) { try await states.take(4) }
        #expect(try await states.take(8) == nil)
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
