import LedgerCore

extension TWCCWalletConnector: SourceConnector {
    public static var settingsType: any SourceSettings.Type { TWCCWalletSettings.self }

    public func discovery() -> (any AccountDiscovery)? {
        discoveryProjects.isEmpty ? nil : TWCCWalletDiscovery(connector: self, projects: discoveryProjects)
    }

    public func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        guard case .twccWallet(let project, let walletCode) = key else {
            throw SourceError(
                kind: .configuration, source: name, target: key.description,
                message: "\(key) is not a TWCC wallet", retryable: false)
        }
        return try await wallet(projectCode: project, walletCode: walletCode)
    }
}

/// The wallets of the configured projects, one project's list a page.
public actor TWCCWalletDiscovery: AccountDiscovery {
    private let connector: TWCCWalletConnector
    private let projects: [String]
    private var position = 0
    private var result = ListingOutcome(complete: true)

    init(connector: TWCCWalletConnector, projects: [String]) {
        self.connector = connector
        self.projects = projects
    }

    public func next() async -> [DiscoveredAccount]? {
        guard position < projects.count else { return nil }
        let project = projects[position]
        position += 1
        let found = await connector.discoverWallets(projectCode: project)
        if !found.complete {
            result.complete = false
            if let failure = found.failure { result.failures.append(failure) }
            result.quarantined += found.quarantined
        }
        // TWCC lists carry no name worth recording; a wallet listed twice in one project is one target.
        var seen = Set<String>()
        return found.items.filter { seen.insert($0.walletCode).inserted }.map {
            DiscoveredAccount(key: .twccWallet(projectCode: project, walletCode: $0.walletCode), name: nil)
        }
    }

    public func outcome() async -> ListingOutcome { result }
}

extension TWCCWalletConnector {
    /// A stored wallet, by its path `…/{project}/wallets/{wallet}`.
    public static func decodeStored(_ stored: StoredResponse) -> StoredResponseDecoder.Content {
        let segments = stored.segments
        guard let index = segments.firstIndex(of: "wallets"), index == segments.count - 2, index >= 1,
            case .value(let observation) = TWCCWalletDecoder.wallet(
                stored.response, projectCode: segments[index - 1], walletCode: segments[index + 1],
                source: stored.source)
        else { return .nothing }
        return .balance(observation)
    }
}
