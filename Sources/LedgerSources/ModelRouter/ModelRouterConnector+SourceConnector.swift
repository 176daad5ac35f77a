import LedgerCore

extension ModelRouterConnector: SourceConnector {
    public func discovery() -> (any AccountDiscovery)? {
        discoversClients ? clientPages() : nil
    }

    public func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        guard case .modelRouter(let clientID) = key else { throw wrongKind(key) }
        return try await balance(clientID: clientID)
    }

    /// A client's balance log.
    public func movements(of key: AccountKey, after cursor: MovementCursor?) async throws(SourceError)
        -> MovementPages?
    {
        guard case .modelRouter(let clientID) = key else { throw wrongKind(key) }
        return try await balanceLogs(clientID: clientID, after: cursor)
    }

    func wrongKind(_ key: AccountKey) -> SourceError {
        SourceError(kind: .configuration, source: name, target: key.description,
            message: "\(key) is not a ModelRouter client", retryable: false)
    }
}

extension ModelRouterClientPages: AccountDiscovery {
    public func next() async -> [DiscoveredAccount]? {
        await nextClients()?.map { DiscoveredAccount(key: .modelRouter(clientID: $0.id), name: $0.name) }
    }

    public func outcome() async -> ListingOutcome {
        let state = discovery
        return ListingOutcome(
            complete: state.complete, failures: state.failure.map { [$0] } ?? [], quarantined: state.quarantined)
    }
}
