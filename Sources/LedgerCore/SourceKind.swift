/// The kinds of remote system LedgerSync reads.
public enum SourceKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Alibaba Cloud AiContent ModelRouter department (client) balances.
    case modelRouter = "modelrouter"
    /// A DMS purchase API's customer credit (客户额度).
    case dmsCredit = "dms_credit"
    /// Taiwan Computing Cloud project wallets.
    case twccWallet = "twcc_wallet"

    public var description: String { rawValue }
}
