import LedgerCore

/// The accounts a source's configuration names, each once, in the order first named.
///
/// Stored compactly: ModelRouter client ids, and DMS org ids of one org type, as 8-byte integers, so a list of
/// 100,000 customers costs 800 KB rather than the 4 MB of as many ``AccountKey`` values.
public struct AccountList: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    private enum Storage: Sendable, Equatable {
        case modelRouter([Int64])
        case dms(orgType: Int64, [Int64])
        case keys([AccountKey])
    }

    private let storage: Storage

    /// ModelRouter clients by id; repeats are dropped.
    public init(modelRouterClients ids: [Int64]) {
        storage = .modelRouter(ids.uniqued())
    }

    /// DMS customers of one org type by org id; repeats are dropped.
    public init(dmsOrgs ids: [Int64], orgType: Int64) {
        storage = .dms(orgType: orgType, ids.uniqued())
    }

    /// Any accounts; repeats are dropped. Stored compactly when they allow it.
    public init(_ keys: [AccountKey]) {
        var clients: [Int64] = []
        var orgs: [Int64] = []
        var orgType: Int64?
        for key in keys {
            switch key {
            case .modelRouter(let id) where orgs.isEmpty: clients.append(id)
            case .dmsCredit(let id, let type) where clients.isEmpty && (orgType ?? type) == type:
                orgType = type
                orgs.append(id)
            default:
                storage = .keys(keys.uniqued())
                return
            }
        }
        if let orgType {
            storage = .dms(orgType: orgType, orgs.uniqued())
        } else {
            storage = .modelRouter(clients.uniqued())
        }
    }

    public init(arrayLiteral elements: AccountKey...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .modelRouter(let ids), .dms(_, let ids): ids.count
        case .keys(let keys): keys.count
        }
    }

    public subscript(position: Int) -> AccountKey {
        switch storage {
        case .modelRouter(let ids): .modelRouter(clientID: ids[position])
        case .dms(let orgType, let ids): .dmsCredit(orgID: ids[position], orgType: orgType)
        case .keys(let keys): keys[position]
        }
    }
}

extension Sequence where Element: Hashable {
    /// The elements without repeats, in their first order.
    package func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
