import LedgerCore
@testable import LedgerSimulator
import Logging
import Testing

@Suite("The simulator's list paging")
struct SimulatorPagingTests {
    let simulator = Simulator(
        configuration: SimulatorConfiguration(modelRouterClients: 7),
        logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })

    /// Pages through the client list with `query` plus the page's token or index; the ids of each page.
    func pages(_ query: [String: String], byIndex: Bool) throws -> [[String]] {
        var pages: [[String]] = []
        var token: String?
        while pages.count < 20 {
            var request = query
            if byIndex { request["pageIndex"] = String(pages.count + 1) } else { request["nextToken"] = token }
            let body = simulator.modelRouterClients(query: request, rule: nil).body
            guard case .object(let root) = try JSONValue.parse(body), case .object(let data)? = root["data"],
                case .array(let list)? = data["list"]
            else { throw ParseFailure(body: body) }
            pages.append(
                list.compactMap { item in
                    guard case .object(let client) = item, case .number(let id)? = client["id"] else { return nil }
                    return id
                })
            if case .string(let next)? = data["nextToken"], !next.isEmpty { token = next } else { break }
            if byIndex, pages.last?.isEmpty != false { break }
        }
        return pages
    }

    struct ParseFailure: Error { var body: String }

    @Test("maxResults alone pages by token, as Alibaba's SDK asks")
    func maxResultsAlone() throws {
        let found = try pages(["maxResults": "2"], byIndex: false)
        #expect(found.map(\.count) == [2, 2, 2, 1])
        #expect(found.flatMap { $0 } == (1001...1007).map(String.init))
    }

    @Test("pageIndex with pageSize pages by index; maxResults wins when both sizes are given")
    func indexPaging() throws {
        let byIndex = try pages(["pageSize": "3"], byIndex: true)
        #expect(byIndex.map(\.count).prefix(3) == [3, 3, 1])
        #expect(byIndex.flatMap { $0 } == (1001...1007).map(String.init))
        let both = try pages(["pageSize": "3", "maxResults": "4"], byIndex: false)
        #expect(both.map(\.count) == [4, 3])
    }
}
