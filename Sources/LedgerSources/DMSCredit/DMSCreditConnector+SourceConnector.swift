import LedgerCore

extension DMSCreditConnector: SourceConnector {
    public static var settingsType: any SourceSettings.Type { DMSCreditSettings.self }

    /// DMS has no listing: its accounts are the configured orgs.
    public func discovery() -> (any AccountDiscovery)? { nil }

    public func fetch(_ key: AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation> {
        guard case .dmsCredit(let orgID, let orgType) = key else {
            throw SourceError(
                kind: .configuration, source: name, target: key.description,
                message: "\(key) is not a DMS customer", retryable: false)
        }
        return try await credit(orgID: orgID, orgType: orgType)
    }
}

extension DMSCreditConnector {
    /// A stored credit answer, by its path and its org_id and org_type parameters.
    public static func decodeStored(_ stored: StoredResponse) -> StoredResponseDecoder.Content {
        guard stored.path.hasSuffix("/dms/purchase/app-credit"), let orgID = stored.query["org_id"].flatMap(Int64.init),
            let orgType = stored.query["org_type"].flatMap(Int64.init),
            case .value(let observation) = DMSCreditDecoder.credit(
                stored.response, orgID: orgID, orgType: orgType, currency: stored.unit, source: stored.source)
        else { return .nothing }
        return .balance(observation)
    }
}
