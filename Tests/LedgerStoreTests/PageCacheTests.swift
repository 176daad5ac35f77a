import Dispatch
import GRDB
import LedgerStore
import Testing

/// The page cache a sync asks for reaches every connection of the pool, the writer and the readers alike.
@Suite("Page cache")
struct PageCacheTests {
    @Test("A capped page cache is set on the writer and on every reader; without a cap SQLite's default stays")
    func cappedOnEveryConnection() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        let capped = try LedgerDatabase.open(path: path, pageCacheKiB: 256, logger: testLogger)
        let writer = try await capped.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        // The first read stays open until the second has read, so the second takes another reader connection.
        let secondRead = DispatchSemaphore(value: 0)
        async let first = capped.writer.read { db in
            let size = try Int.fetchOne(db, sql: "PRAGMA cache_size")
            return (size, secondRead.wait(timeout: .now() + 10) == .success)
        }
        async let second = capped.writer.read { db in
            defer { secondRead.signal() }
            return try Int.fetchOne(db, sql: "PRAGMA cache_size")
        }
        let (firstSize, overlapped) = try await first
        let readers = [firstSize, try await second]
        #expect(overlapped)
        try capped.close()
        #expect(writer == -256)
        #expect(readers == [-256, -256])

        let standard = try LedgerDatabase.open(path: path, logger: testLogger)
        defer { try? standard.close() }
        let fallback = try await standard.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(fallback == -2000)
    }
}
