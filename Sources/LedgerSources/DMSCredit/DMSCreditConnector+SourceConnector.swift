import LedgerCore

extension DMSCreditConnector: SourceConnector {
    /// DMS has no listing: its accounts are the configured orgs.
    public func discovery() -> (any AccountDiscovery)? { nil }

    public func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        guard case .dmsCredit(let orgID, let orgType) = key else {
            throw SourceError(kind: .configuration, source: name, target: key.description,
                message: "\(key) is not a DMS customer", retryable: false)
        }
        return try await credit(orgID: orgID, orgType: orgType)
    }
}
