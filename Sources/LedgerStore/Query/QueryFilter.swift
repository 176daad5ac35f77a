import LedgerCore

/// Which accounts and rows a query covers. Empty lists mean "all".
public struct QueryFilter: Sendable, Equatable {
    /// Source instance names (the config's `[sources.NAME]`).
    public var sources: [String]
    /// Source kinds.
    public var kinds: [SourceKind]
    /// Exact account keys ("17", "101:2", "MST123456/W0001").
    public var accounts: [String]
    /// A pattern on the account key or display name: `*` any text, `?` one character, case-insensitive.
    public var namePattern: String?
    /// Units ("CNY", "tokens", "SU").
    public var units: [String]
    /// The start of a time range (inclusive), where the query has one.
    public var from: Instant?
    /// The end of a time range (exclusive), where the query has one.
    public var to: Instant?
    /// Ledger account ids (``AccountRef/accountID``), for callers that read a large selection a chunk of
    /// accounts at a time; any number (bound as one JSON array, never against SQLite's parameter limit).
    public var accountIDs: [Int64] = []

    /// A filter; empty lists select everything.
    public init(
        sources: [String] = [], kinds: [SourceKind] = [], accounts: [String] = [], namePattern: String? = nil,
        units: [String] = [], from: Instant? = nil, to: Instant? = nil
    ) {
        self.sources = sources
        self.kinds = kinds
        self.accounts = accounts
        self.namePattern = namePattern
        self.units = units
        self.from = from
        self.to = to
    }
}

/// Which time axis an "as of" question is asked on.
public enum TimeAxis: String, Sendable, CaseIterable {
    /// When the value was true at the source (gmtModified, else the observation time).
    case valid
    /// When this ledger learned it.
    case recorded
}

/// At most `limit` rows after `after` (a cursor from the previous page's ``Page/nextCursor``).
public struct PageRequest: Sendable, Equatable {
    /// The most rows on a page.
    public var limit: Int
    /// The cursor of the last row of the previous page; `nil` for the first.
    public var after: String?

    /// A page of at most `limit` rows after the cursor `after`.
    public init(limit: Int = 1000, after: String? = nil) {
        self.limit = max(1, limit)
        self.after = after
    }

    /// Every row at once (for reports); callers of large results should page.
    public static let all = PageRequest(limit: Int(Int32.max))
}

/// One page of a result in a stable order.
public struct Page<Row: Sendable>: Sendable {
    /// The rows of the page, in key order.
    public var rows: [Row]
    /// The cursor for the next page, or `nil` when this was the last.
    public var nextCursor: String?
}
