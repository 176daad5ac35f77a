import LedgerCore
import LedgerSources

extension SourceConfiguration {
    /// The source's connector, configured: the one place that maps a configured source to its implementation.
    ///
    /// - Parameters:
    ///   - http: The source's HTTP client, with its limits.
    ///   - clock: The clock for signatures and token expiry.
    public func connector(http: SourceHTTPClient, clock: any LedgerClock) -> any SourceConnector {
        switch credentials {
        case .modelRouter(let id, let secret):
            var connector = ModelRouterConnector(
                name: name, baseURL: baseURL, currency: unit, accessKeyID: id, accessKeySecret: secret, http: http,
                clock: clock)
            connector.discoversClients = discover
            return connector
        case .dms(let authentication):
            return DMSCreditConnector(
                name: name, baseURL: baseURL, currency: unit, authentication: authentication, http: http)
        case .twcc(let authentication):
            var connector = TWCCWalletConnector(
                name: name, baseURL: baseURL, authentication: authentication, http: http, clock: clock)
            connector.discoveryProjects = discover ? projects.uniqued() : []
            return connector
        }
    }
}
