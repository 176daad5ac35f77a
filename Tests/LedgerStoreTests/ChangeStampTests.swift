import Foundation
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// The change stamp a server keys its cached answers on: it must move with every commit and only then.
@Suite("Change stamp")
struct ChangeStampTests {
    @Test("The stamp stays while only reads happen and moves with each commit, on a pool and on one connection")
    func stampFollowsCommits() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try WritePathTests.ledger(directory)
        defer { try? database.close() }
        _ = try WritePathTests.record(database, source, WritePathTests.modelRouter("1.00", modifiedHours: 1))
        let pool = try LedgerReader.open(path: directory.file("ledger.sqlite"), readers: 4)
        let single = try LedgerReader.open(path: directory.file("ledger.sqlite"))
        defer {
            try? pool.close()
            try? single.close()
        }
        for reader in [pool, single] {
            let before = try #require(try reader.changeStamp())
            // Reads on every connection of the reader, at once, leave it alone.
            DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = try? reader.balances() }
            #expect(try reader.changeStamp() == before)
            _ = try WritePathTests.record(database, source, WritePathTests.modelRouter("2.00", modifiedHours: 2))
            let afterOne = try #require(try reader.changeStamp())
            #expect(afterOne != before)
            #expect(try reader.changeStamp() == afterOne)
            _ = try WritePathTests.record(database, source, WritePathTests.modelRouter("3.00", modifiedHours: 3))
            #expect(try reader.changeStamp() != afterOne)
        }
        // A reader sharing the writer's connections cannot tell its own commits: it says so instead of guessing.
        #expect(try LedgerReader(database).changeStamp() == nil)
    }
}
