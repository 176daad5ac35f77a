import LedgerStore

/// A period's versions, read for a chunk of accounts at a time and handed out one account at a time.
///
/// A report walks its account list in order; this reads the versions of the next `chunkSize` accounts of that
/// list in one query (by ledger id, an index probe per account) and so holds one chunk's versions, never the
/// whole period (3M versions for 100k accounts over 30 days).
struct HistoryStream {
    private let reader: any ReportStore
    private let filter: QueryFilter
    private let accountIDs: [Int64]
    private let chunkSize: Int
    private var next = 0
    private var chunk: [Int64: [BalanceRow]] = [:]

    /// - Parameters:
    ///   - reader: The ledger.
    ///   - filter: The period and selection of the versions.
    ///   - accountIDs: The accounts, in the order they will be asked for.
    ///   - chunkSize: Accounts per query (at most 900).
    init(reader: any ReportStore, filter: QueryFilter, accountIDs: [Int64], chunkSize: Int = 900) {
        self.reader = reader
        self.filter = filter
        self.accountIDs = accountIDs
        self.chunkSize = min(max(1, chunkSize), 900)
    }

    /// The versions of the account at `index` of the list, in valid-time order. Indexes must be asked for in
    /// increasing order.
    /// - Throws: ``QueryError`` if a chunk cannot be read.
    mutating func versions(at index: Int) async throws(QueryError) -> [BalanceRow] {
        if index >= next {
            let start = index
            next = min(start + chunkSize, accountIDs.count)
            var chunkFilter = filter
            chunkFilter.accountIDs = Array(accountIDs[start..<next])
            chunk = Dictionary(
                grouping: try await reader.history(filter: chunkFilter, includeSuperseded: false, page: .all).rows
            ) {
                $0.account.accountID
            }
        }
        return chunk[accountIDs[index]] ?? []
    }
}
