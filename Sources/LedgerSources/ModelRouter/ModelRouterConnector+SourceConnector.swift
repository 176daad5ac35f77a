import LedgerCore

extension ModelRouterConnector: SourceConnector {
    public static var settingsType: any SourceSettings.Type { ModelRouterSettings.self }

    public func discovery() -> (any AccountDiscovery)? {
        discoversClients ? clientPages() : nil
    }

    public func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        guard case .modelRouter(let clientID) = key else { throw wrongKind(key) }
        return try await balance(clientID: clientID)
    }

    /// A client's balance log.
    public func movements(
        of key: AccountKey, after cursor: MovementCursor?
    ) async throws(SourceError)
        -> MovementPages?
    {
        guard case .modelRouter(let clientID) = key else { throw wrongKind(key) }
        return try await balanceLogs(clientID: clientID, after: cursor)
    }

    func wrongKind(_ key: AccountKey) -> SourceError {
        SourceError(
            kind: .configuration, source: name, target: key.description,
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

extension ModelRouterConnector {
    /// A stored balance or balance-log page, by its path `…/clients/{id}/balance[/logs]`.
    public static func decodeStored(_ stored: StoredResponse) -> StoredResponseDecoder.Content {
        let segments = stored.segments
        guard let index = segments.firstIndex(of: "clients"), index + 2 < segments.count,
            let clientID = Int64(segments[index + 1]), segments[index + 2] == "balance"
        else { return .nothing }
        if index + 3 < segments.count, segments[index + 3] == "logs" {
            guard
                case .value(let page) = ModelRouterDecoder.logPage(
                    stored.response, clientID: clientID, source: stored.source)
            else { return .nothing }
            return .balanceLog(account: .modelRouter(clientID: clientID), entries: page.entries)
        }
        guard
            case .value(let observation) = ModelRouterDecoder.balance(
                stored.response, clientID: clientID, currency: stored.unit, source: stored.source)
        else { return .nothing }
        return .balance(observation)
    }
}
