import LedgerCore
import LedgerSources
import LedgerStore

/// A source's targets, a batch at a time, in the order a sync processes them: discovered accounts page by page as
/// discovery lists them (with the names it gives them), then the configured accounts discovery did not list.
///
/// Nothing holds the whole list: memory is a page of discovery, the ids of its last pages, and the configured
/// accounts (with a set of them when discovery must be told apart from them).
actor SourceTargets {
    /// Records an incomplete listing (its failures and undecodable pages).
    typealias Settle = @Sendable (ListingOutcome) async throws(StoreError) -> Void

    private let listing: (any AccountDiscovery)?
    private let configured: AccountList
    /// Configured accounts, to tell them apart from discovered ones; empty when nothing is discovered.
    private let configuredSet: Set<AccountKey>
    private let batchSize: Int
    private let settle: Settle
    /// Configured accounts discovery listed (and so already handed out).
    private var listedConfigured = Set<AccountKey>()
    private var configuredPosition = 0
    private var listingDone: Bool
    private var listingComplete = true
    /// How many targets were handed out.
    private(set) var count = 0

    /// - Parameters:
    ///   - configured: The accounts the configuration names, in its order.
    ///   - listing: The source's discovery, if it discovers.
    ///   - batchSize: Configured targets per batch.
    ///   - settle: Called for each incomplete listing, before the batches go on.
    init(configured: AccountList, listing: (any AccountDiscovery)?, batchSize: Int = 256, settle: @escaping Settle) {
        self.configured = configured
        if listing == nil {
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
        if listing == nil { return .none }
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
    ///
    /// A configured account the listing also finds is handed out when the listing names it (so the name is
    /// recorded), and at its configured place when the listing gives no name.
    private func nextDiscovered() async throws(StoreError) -> [Target]? {
        guard let listing else {
            listingDone = true
            return nil
        }
        guard let accounts = await listing.next() else {
            listingDone = true
            let outcome = await listing.outcome()
            if !outcome.complete {
                listingComplete = false
                try await settle(outcome)
            }
            return nil
        }
        return accounts.compactMap { account in
            guard configuredSet.contains(account.key) else { return Target(key: account.key, name: account.name) }
            guard account.name != nil, listedConfigured.insert(account.key).inserted else { return nil }
            return Target(key: account.key, name: account.name)
        }
    }
}
