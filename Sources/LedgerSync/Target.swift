import LedgerCore

/// One account a source sync fetches, with the display name its discovery gave it.
struct Target: Sendable {
    let key: AccountKey
    var name: String?
}

extension Sequence where Element: Hashable {
    /// The elements without repeats, in their first order.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
