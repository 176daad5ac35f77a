import Foundation
import LedgerCore

/// Decodes a response that was stored earlier, identified by its redacted URL, for `ledgersync rebuild`.
public enum StoredResponseDecoder {
    /// What a stored response holds.
    public enum Content: Sendable {
        case balance(BalanceObservation)
        case balanceLog(clientID: Int64, entries: [BalanceLogEntry])
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
        let path = components?.path ?? ""
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        let segments = path.split(separator: "/").map(String.init)
        switch kind {
        case .modelRouter:
            guard let index = segments.firstIndex(of: "clients"), index + 2 < segments.count,
                let clientID = Int64(segments[index + 1]), segments[index + 2] == "balance"
            else { return .nothing }
            if index + 3 < segments.count, segments[index + 3] == "logs" {
                guard case .value(let page) = ModelRouterDecoder.logPage(response, clientID: clientID, source: source)
                else { return .nothing }
                return .balanceLog(clientID: clientID, entries: page.entries)
            }
            guard case .value(let observation) = ModelRouterDecoder.balance(
                response, clientID: clientID, currency: unit, source: source)
            else { return .nothing }
            return .balance(observation)
        case .dmsCredit:
            guard path.hasSuffix("/dms/purchase/app-credit"), let orgID = query["org_id"].flatMap(Int64.init),
                let orgType = query["org_type"].flatMap(Int64.init),
                case .value(let observation) = DMSCreditDecoder.credit(
                    response, orgID: orgID, orgType: orgType, currency: unit, source: source)
            else { return .nothing }
            return .balance(observation)
        case .twccWallet:
            guard let index = segments.firstIndex(of: "wallets"), index == segments.count - 2, index >= 1,
                case .value(let observation) = TWCCWalletDecoder.wallet(
                    response, projectCode: segments[index - 1], walletCode: segments[index + 1], source: source)
            else { return .nothing }
            return .balance(observation)
        }
    }
}
