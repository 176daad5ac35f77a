import LedgerCore
import LedgerSources
import LedgerStore

/// A source's targets, a batch at a time, in the order a sync processes them: discovered accounts page by page as
/// discovery lists them (with the names it gives them), then the configured accounts discovery did not list.
///
/// Nothing holds the whole list: memory is a page of discovery, the ids of its last pages, and the configured
/// accounts (with a set of them when discovery must be told apart from them).
actor SourceTargets {
    /// How a source lists its accounts.
    enum Listing: Sendable {
        case none
        case modelRouter(ModelRouterClientPages)
        case twcc(TWCCWalletConnector, projects: [String])
    }

    /// Records an incomplete listing (its failure and undecodable pages).
    typealias Settle = @Sendable (SourceError?, [(problem: DecodingProblem, response: SourceResponse)])
        async throws(StoreError) -> Void

    private let listing: Listing
    private let configured: AccountList
    /// Configured accounts, to tell them apart from discovered ones; empty when nothing is discovered.
    private let configuredSet: Set<AccountKey>
    private let batchSize: Int
    private let settle: Settle
    /// Configured accounts discovery listed (and so already handed out).
    private var listedConfigured = Set<AccountKey>()
    private var configuredPosition = 0
    private var projectPosition = 0
    private var listingDone: Bool
    private var listingComplete = true
    /// How many targets were handed out.
    private(set) var count = 0

    /// - Parameters:
    ///   - configured: The accounts the configuration names, in its order.
    ///   - listing: The source's discovery, if it discovers.
    ///   - batchSize: Configured targets per batch.
    ///   - settle: Called for each incomplete listing, before the batches go on.
    init(configured: AccountList, listing: Listing, batchSize: Int = 256, settle: @escaping Settle) {
        self.configured = configured
        if case .none = listing {
            configuredSet = []
            listingDone = true
        } else {
            configuredSet = Set(configured)
            listingDone = false
        }
        self.listing = listing
        self.batchSize = max(1, batchSize)
        self.settle = settle
    }

    /// `none` without discovery; `complete` only when every listing reached a trustworthy end; `failed` when
    /// discovery found nothing and nothing is configured; else `partial`. Final once ``next()`` returned `nil`.
    var discovery: DiscoveryOutcome {
        if case .none = listing { return .none }
        return listingComplete ? .complete : (count == 0 ? .failed : .partial)
    }

    /// The next batch of targets (possibly empty while discovery pages through nothing new), or `nil` at the end.
    /// - Throws: ``StoreError`` if recording an incomplete listing fails.
    func next() async throws(StoreError) -> [Target]? {
        while !listingDone {
            if let batch = try await nextDiscovered() { return handOut(batch) }
        }
        guard configuredPosition < configured.count else { return nil }
        var batch: [Target] = []
        while configuredPosition < configured.count, batch.count < batchSize {
            let key = configured[configuredPosition]
            configuredPosition += 1
            if !listedConfigured.contains(key) { batch.append(Target(key: key, name: nil)) }
        }
        return handOut(batch)
    }

    private func handOut(_ batch: [Target]) -> [Target] {
        count += batch.count
        return batch
    }

    /// One listing step's new targets; `nil` when the step found nothing to hand out (the listing may be over).
    private func nextDiscovered() async throws(StoreError) -> [Target]? {
        switch listing {
        case .none:
            listingDone = true
            return nil
        case .modelRouter(let pages):
            guard let clients = await pages.next() else {
                listingDone = true
                let result = await pages.discovery
                if !result.complete {
                    listingComplete = false
                    try await settle(result.failure, result.quarantined)
                }
                return nil
            }
            return clients.map { client in
                let key = AccountKey.modelRouter(clientID: client.id)
                if configuredSet.contains(key) { listedConfigured.insert(key) }
                return Target(key: key, name: client.name)
            }
        case .twcc(let connector, let projects):
            guard projectPosition < projects.count else {
                listingDone = true
                return nil
            }
            let project = projects[projectPosition]
            projectPosition += 1
            let found = await connector.discoverWallets(projectCode: project)
            if !found.complete {
                listingComplete = false
                try await settle(found.failure, found.quarantined)
            }
            var batch: [Target] = []
            for wallet in found.items.map({ AccountKey.twccWallet(projectCode: project, walletCode: $0.walletCode) })
                .uniqued()
            {
                // A configured wallet keeps its configured place (TWCC listings carry no name to give it).
                if !configuredSet.contains(wallet) { batch.append(Target(key: wallet, name: nil)) }
            }
            return batch
        }
    }
}
