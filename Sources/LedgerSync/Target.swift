import LedgerCore

/// One account a source sync fetches, with the display name its discovery gave it.
struct Target: Sendable {
    let key: AccountKey
    var name: String?
}
