/// Values that more than one module uses, in one place.
public enum LedgerDefaults {
    /// How far ahead of the ledger's clock a source's gmtModified may be before it is a `clock_skew` conflict
    /// (the config's `[sync] clock_skew_seconds`).
    public static let clockSkewSeconds: Int64 = 300

    /// The User-Agent of every request to a source.
    public static let userAgent = "LedgerSync/0.1"
}
