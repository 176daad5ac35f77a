import Foundation
import LedgerCore

/// Decodes a response that was stored earlier, identified by its redacted URL, for `ledgersync rebuild`.
public enum StoredResponseDecoder {
    /// What a stored response holds.
    public enum Content: Sendable {
        case balance(BalanceObservation)
        /// Movements of one account (a page of its log).
        case balanceLog(account: AccountKey, entries: [BalanceLogEntry])
        /// A list page, an error answer, or a response that no longer decodes: nothing to derive.
        case nothing
    }

    /// Decodes a stored response the way the connector decoded it when it arrived.
    ///
    /// - Parameters:
    ///   - kind: The source's kind.
    ///   - url: The stored (redacted) URL.
    ///   - status: The stored HTTP status.
    ///   - body: The stored bytes.
    ///   - dateHeader: The stored Date header, the observation time of sources without gmtModified.
    ///   - receivedAt: When it arrived.
    ///   - unit: The source's unit of plain amounts.
    ///   - source: The source instance's name.
    public static func decode(
        kind: SourceKind, url: String, status: Int, body: [UInt8], dateHeader: Instant?, receivedAt: Instant,
        unit: MoneyUnit, source: String
    ) -> Content {
        let response = SourceResponse(
            status: status, headers: dateHeader.map { [("date", HTTPDate.format($0))] } ?? [], body: body,
            receivedAt: receivedAt, method: "GET", redactedURL: url, action: nil)
        let components = URLComponents(string: url)
        let stored = StoredResponse(
            response: response, path: components?.path ?? "",
            query: Dictionary(
                (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                uniquingKeysWith: { first, _ in first }),
            unit: unit, source: source)
        return kind.connectorType.decodeStored(stored)
    }
}

/// A stored response with its URL taken apart, for a connector to decode again.
public struct StoredResponse: Sendable {
    /// The response as stored.
    public var response: SourceResponse
    /// The URL's path, and its path segments.
    public var path: String
    /// The path's segments.
    public var segments: [String] { path.split(separator: "/").map(String.init) }
    /// The URL's query parameters (the first of each name).
    public var query: [String: String]
    /// The source's unit of plain amounts.
    public var unit: MoneyUnit
    /// The source instance's name.
    public var source: String
}

extension SourceKind {
    /// The connector type of each source kind: the one registration of a kind's implementation. Its
    /// ``SourceConnector/settingsType`` reads the kind's configuration keys.
    public var connectorType: any SourceConnector.Type {
        switch self {
        case .modelRouter: ModelRouterConnector.self
        case .dmsCredit: DMSCreditConnector.self
        case .twccWallet: TWCCWalletConnector.self
        }
    }
}
