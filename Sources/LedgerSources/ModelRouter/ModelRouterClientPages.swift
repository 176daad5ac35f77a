/// The ModelRouter client list, read one page each time ``next()`` is called.
///
/// Paging stops at a trustworthy end (the reported total reached, or a short last page without a `nextToken`),
/// and is called incomplete on a repeated `nextToken`, endless empty pages, a total never reached or a page that
/// does not decode. A client listed again within ``recentPages`` pages (offset paging while clients are added) is
/// handed out once; memory holds those pages' ids and one token per page, not the list.
public actor ModelRouterClientPages {
    private let connector: ModelRouterConnector
    private var page = 0
    private var token: String?
    private var seenTokens = Set<String>()
    /// How many pages back a repeated client is recognised: one escapes only if more than 7 pages' worth of
    /// clients (700 at 100 a page) are added ahead of the reader while it reads 8 pages.
    public static let recentPages = 8
    /// Ids of the last pages only: the clients themselves go to the caller, once.
    private var recent = RecentIDs(pages: recentPages)
    /// Clients handed out.
    private var found = 0
    private var emptyRun = 0
    private var finished = false
    private var state = Discovery<ModelRouterClient>(
        items: [], complete: false, failure: nil, pages: 0, quarantined: [])

    init(connector: ModelRouterConnector) {
        self.connector = connector
    }

    /// How the listing went so far; final once ``next()`` returned `nil`. Its `items` stay empty.
    public var discovery: Discovery<ModelRouterClient> { state }

    /// The next page's clients not handed out before (deleted ones left out; possibly none), or `nil` once the
    /// list ended or failed.
    public func nextClients() async -> [ModelRouterClient]? {
        guard !finished, page < connector.maximumPages else { return nil }
        page += 1
        var query: [(name: String, value: String)] = [
            ("pageIndex", String(page)), ("pageSize", String(connector.pageSize)),
            ("maxResults", String(connector.pageSize)), ("needTotalCount", "true"),
        ]
        if let token { query.append(("nextToken", token)) }
        let response: SourceResponse
        do {
            response = try await connector.send(
                path: "\(ModelRouterConnector.root)/clients", query: query, action: "ModelRouterQueryClientList",
                target: "client list")
        } catch {
            return end(failure: error)
        }
        state.pages += 1
        let pageData: ModelRouterDecoder.ClientPage
        switch ModelRouterDecoder.clientPage(response, source: connector.name) {
        case .failure(let error): return end(failure: error)
        case .quarantine(let problem):
            state.quarantined.append((problem, response))
            return end("page \(page) of the client list did not decode: \(problem)")
        case .value(let value): pageData = value
        }
        recent.startPage()
        let clients = pageData.clients.filter { !$0.deleted && recent.insert($0.id) }
        found += clients.count
        emptyRun = pageData.clients.isEmpty ? emptyRun + 1 : 0
        if let total = pageData.total, found >= total, total >= 0 {
            return complete(clients)
        }
        if let next = pageData.nextToken {
            guard seenTokens.insert(next).inserted else {
                return end("the server repeated nextToken \"\(next.prefix(40))\" on page \(page)", keeping: clients)
            }
            token = next
        } else if pageData.clients.count < connector.pageSize {
            if let total = pageData.total, found < total {
                return end(
                    "the list ended after \(found) clients but the server reported a total of \(total)",
                    keeping: clients)
            }
            return complete(clients)
        }
        if emptyRun >= connector.maximumEmptyPages {
            return end("\(emptyRun) empty pages in a row without an end of the list", keeping: clients)
        }
        if page == connector.maximumPages {
            return end("the list did not end within \(connector.maximumPages) pages", keeping: clients)
        }
        return clients
    }

    private func complete(_ clients: [ModelRouterClient]) -> [ModelRouterClient] {
        state.complete = true
        finished = true
        return clients
    }

    /// Ends an incomplete listing; the clients of the page that showed the problem are still handed out.
    private func end(_ message: String, keeping clients: [ModelRouterClient] = []) -> [ModelRouterClient]? {
        end(
            failure: SourceError(
                kind: .paging, source: connector.name, target: "client list", message: message, retryable: true))
        return clients.isEmpty ? nil : clients
    }

    @discardableResult
    private func end(failure: SourceError) -> [ModelRouterClient]? {
        state.failure = state.failure ?? failure
        finished = true
        return nil
    }
}
