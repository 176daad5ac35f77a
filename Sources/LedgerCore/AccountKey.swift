/// The natural key of a remote account within one source instance.
public enum AccountKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A ModelRouter client (department) id.
    case modelRouter(clientID: Int64)
    /// A DMS customer: `org_id` and `org_type`.
    case dmsCredit(orgID: Int64, orgType: Int64)
    /// A TWCC wallet: the project's `prj_sys_code` and the `wallet_code`.
    case twccWallet(projectCode: String, walletCode: String)

    /// The kind of source the key belongs to.
    public var kind: SourceKind {
        switch self {
        case .modelRouter: .modelRouter
        case .dmsCredit: .dmsCredit
        case .twccWallet: .twccWallet
        }
    }

    /// The key as one text, the same as the store's `account.account_key`: `17`, `101:2`, `MST123456/W0001`.
    public var description: String {
        switch self {
        case .modelRouter(let clientID): String(clientID)
        case .dmsCredit(let orgID, let orgType): "\(orgID):\(orgType)"
        case .twccWallet(let projectCode, let walletCode): "\(projectCode)/\(walletCode)"
        }
    }

    /// Parses the text form of a key of a given kind.
    ///
    /// - Parameters:
    ///   - text: `17`; `101:2` or `101` (org_type `defaultOrgType`); `MST123456/W0001`.
    ///   - kind: The source kind the key belongs to.
    ///   - defaultOrgType: The DMS `org_type` used when the text gives none.
    /// - Returns: The key, or `nil` when the text is not a key of that kind.
    public init?(_ text: String, kind: SourceKind, defaultOrgType: Int64 = 2) {
        switch kind {
        case .modelRouter:
            guard let id = Int64(text), id >= 0 else { return nil }
            self = .modelRouter(clientID: id)
        case .dmsCredit:
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let orgID = Int64(parts[0]),
                let orgType = parts.count == 2 ? Int64(parts[1]) : defaultOrgType
            else { return nil }
            self = .dmsCredit(orgID: orgID, orgType: orgType)
        case .twccWallet:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self = .twccWallet(projectCode: String(parts[0]), walletCode: String(parts[1]))
        }
    }

    public static func < (lhs: AccountKey, rhs: AccountKey) -> Bool {
        switch (lhs, rhs) {
        case (.modelRouter(let a), .modelRouter(let b)): a < b
        case (.dmsCredit(let a, let x), .dmsCredit(let b, let y)): (a, x) < (b, y)
        case (.twccWallet(let p, let w), .twccWallet(let q, let v)): (p, w) < (q, v)
        default: lhs.kind.rawValue < rhs.kind.rawValue
        }
    }
}
