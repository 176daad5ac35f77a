/// Why a query could not be answered, in a sentence that names the argument or value at fault.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// No source instance has this name (the known names).
        case unknownSource(String, known: [String])
        /// No account matches this key in the selected sources.
        case unknownAccount(String)
        /// Two filters cannot hold together.
        case conflictingFilters(String)
        /// A paging cursor that this query did not produce.
        case invalidCursor(String)
        /// `query sql` was given a statement that could change something.
        case writeRefused(String)
        /// `query sql` was given SQL that SQLite refused.
        case invalidSQL(String)
        /// The store failed while reading.
        case store(String)
    }

    /// What is wrong with the query.
    public let code: Code

    /// An error of `code`.
    public init(_ code: Code) { self.code = code }

    /// Whether the fault is in what the user asked (exit code 2) rather than in the store.
    public var isUsageError: Bool {
        if case .store = code { return false }
        return true
    }

    public var description: String {
        switch code {
        case .unknownSource(let name, let known):
            let list =
                known.isEmpty ? "the ledger has no sources yet" : "known sources: \(known.joined(separator: ", "))"
            return "--source \(name): no source instance has this name (\(list))"
        case .unknownAccount(let key):
            return "--account \(key): no account has this key in the selected sources"
        case .conflictingFilters(let reason):
            return "conflicting filters: \(reason)"
        case .invalidCursor(let cursor):
            return "--after \(cursor.prefix(80)): not a cursor printed by this query; start again without --after"
        case .writeRefused(let reason):
            return "query sql runs on a read-only connection: \(reason)"
        case .invalidSQL(let message):
            return "query sql: SQLite refused the statement: \(message)"
        case .store(let message):
            return message
        }
    }
}
