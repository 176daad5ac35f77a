import Foundation
import LedgerCore
import LedgerSimulator
import LedgerStore
import LedgerTestSupport
import Testing

/// The dashboard's account table: each order is the one a model of the current balances gives, page by page.
@Suite("Account board")
struct AccountBoardTests {
    @Test("Orders, pages, totals and the literal search agree with a model of the current balances")
    func ordersAgreeWithModel() throws {
        let directory = try TemporaryDirectory()
        let (database, source, _) = try WritePathTests.ledger(directory)
        defer { try? database.close() }
        var generator = SplitMix64(seed: 0xB0A2D)
        // 120 clients: two versions each (the first superseded in valid time by the second), some in tokens,
        // balances with ties and negatives; the current one is what the board must order.
        var model: [(client: Int64, unit: String, balance: FixedDecimal, changed: Int64)] = []
        for client in Int64(1)...120 {
            let unit = client % 4 == 0 ? MoneyUnit.tokens : WritePathTests.cny
            let hours = Int64(generator.next() % 500) + 2
            for (index, modified) in [Int64(1), hours].enumerated() {
                let cents = Int64(generator.next() % 2_000) - 500
                let text = index == 1 && client % 10 == 0 ? "7.5" : "\(cents / 100).\(abs(cents % 100))"
                var observation = WritePathTests.modelRouter(text, modifiedHours: modified, client: client)
                observation.figures.unit = unit
                observation.displayName = client == 7 ? "50%*off_name" : "client \(client)"
                _ = try WritePathTests.record(database, source, observation)
                if index == 1 {
                    model.append(
                        (
                            client, unit.name, try FixedDecimal(parsing: text),
                            WritePathTests.t0.adding(seconds: modified * 3600).millisecondsSinceEpoch
                        ))
                }
            }
        }
        let reader = LedgerReader(database)
        func keys(_ sort: BoardSort, search: String? = nil) throws -> [String] {
            var result: [String] = []
            var offset = 0
            while true {
                let page = try reader.accountBoard(BoardQuery(search: search, sort: sort, offset: offset, limit: 17))
                #expect(page.total == (search == nil ? 120 : page.total))
                result += page.rows.map(\.account.key)
                if page.rows.count < 17 { break }
                offset += 17
            }
            return result
        }
        let ascending = model.sorted {
            ($0.unit, $0.balance, $0.client) < ($1.unit, $1.balance, $1.client)
        }.map { String($0.client) }
        #expect(try keys(.balance) == ascending)
        let descending = model.sorted {
            ($0.unit, $0.balance, $0.client) > ($1.unit, $1.balance, $1.client)
        }.map { String($0.client) }
        #expect(try keys(.balanceDescending) == descending)
        let changed = model.sorted { ($0.changed, $0.client) > ($1.changed, $1.client) }.map { String($0.client) }
        #expect(try keys(.changed) == changed)
        #expect(try keys(.account) == model.map { String($0.client) }.sorted())
        #expect(try reader.accountCount() == 120)
        // The search is literal: `%`, `*` and `_` are characters, not wildcards.
        #expect(try keys(.account, search: "50%*off_") == ["7"])
        #expect(try keys(.account, search: "%") == ["7"])
        #expect(try reader.accountBoard(BoardQuery(search: "client 11")).total == 11)  // 11 and 110 to 119
    }
}
