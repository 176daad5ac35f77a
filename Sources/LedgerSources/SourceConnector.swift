import LedgerCore

/// One remote source, as the engine, the benchmark and rebuild see it: how it lists its accounts, how it fetches
/// one, and its movements where it has a movement log.
///
/// Each source's folder holds its connector, its conformance and its ``SourceSettings``; the sync engine and the
/// configuration reader hold no per-source branch. Adding a source is its folder, its decoder tests, its
/// ``SourceKind`` case and one line in ``SourceKind/connectorType``.
public protocol SourceConnector: Sendable {
    /// The type that reads the kind's configuration keys and builds its connector.
    static var settingsType: any SourceSettings.Type { get }

    /// The source instance's name (the config's `[sources.NAME]`), for errors.
    var name: String { get }

    /// The listing of the source's accounts, a page at a time; `nil` when the source does not discover (it has no
    /// listing, or the configuration names its accounts only). A new listing each call.
    func discovery() -> (any AccountDiscovery)?

    /// Fetches one account.
    /// - Throws: ``SourceError`` for a failed fetch or an error answer.
    func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation>

    /// The account's movements newer than `cursor`, with every response that carried them; `nil` for a source
    /// without a movement log.
    /// - Throws: ``SourceError`` if a page fails: nothing is stored, and the next run asks again.
    func movements(of key: AccountKey, after cursor: MovementCursor?) async throws(SourceError) -> MovementPages?

    /// Decodes a response stored earlier (for `ledgersync rebuild`) the way the connector decoded it when it
    /// arrived; ``StoredResponseDecoder/Content/nothing`` for a list page, an error answer, or one that no longer
    /// decodes.
    static func decodeStored(_ stored: StoredResponse) -> StoredResponseDecoder.Content
}

extension SourceConnector {
    public func movements(
        of key: AccountKey, after cursor: MovementCursor?
    ) async throws(SourceError)
        -> MovementPages?
    {
        nil
    }
}

/// Where a movement log was read up to: the newest entry taken, by time then id.
public typealias MovementCursor = (gmtCreate: Instant, remoteID: Int64)

/// Movements and the responses they came in.
public typealias MovementPages = (entries: [BalanceLogEntry], responses: [SourceResponse])

/// An account a listing found, with the name the listing gives it (if it gives one).
public struct DiscoveredAccount: Sendable, Hashable {
    /// The account.
    public var key: AccountKey
    /// The name the listing gives it, if any.
    public var name: String?

    /// An account found by a listing.
    public init(key: AccountKey, name: String?) {
        self.key = key
        self.name = name
    }
}

/// How a listing went: complete only when it reached a trustworthy end; otherwise why not.
public struct ListingOutcome: Sendable {
    /// Whether the listing reached a trustworthy end, so that an account it missed may be called gone.
    public var complete: Bool
    /// The failures that stopped it (one per listing that failed).
    public var failures: [SourceError]
    /// Pages that did not decode.
    public var quarantined: [(problem: DecodingProblem, response: SourceResponse)]

    /// An outcome; complete listings usually have no failures.
    public init(
        complete: Bool, failures: [SourceError] = [],
        quarantined: [(problem: DecodingProblem, response: SourceResponse)] = []
    ) {
        self.complete = complete
        self.failures = failures
        self.quarantined = quarantined
    }
}

/// A source's listing of its accounts, read a page at a time: memory holds a page, not the list.
public protocol AccountDiscovery: Sendable {
    /// The next page's accounts not handed out before (possibly none), or `nil` once the listing is over.
    func next() async -> [DiscoveredAccount]?
    /// How the listing went; final once ``next()`` returned `nil`.
    func outcome() async -> ListingOutcome
}
