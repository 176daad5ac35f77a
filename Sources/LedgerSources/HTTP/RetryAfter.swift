import LedgerCore

/// The Retry-After header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.
public enum RetryAfter {
    /// The wait a Retry-After value asks for, measured from `now`; `nil` for a value that is neither form.
    ///
    /// - Parameters:
    ///   - value: The header's value, as received (surrounding spaces are ignored).
    ///   - now: The current time, for the date form (a date in the past asks for no wait).
    public static func delay(_ value: String, now: Instant) -> Duration? {
        let text = value.trimmingSpaces
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        if let date = HTTPDate.parse(text) {
            let (difference, overflow) = date.millisecondsSinceEpoch.subtractingReportingOverflow(
                now.millisecondsSinceEpoch)
            return .milliseconds(overflow ? (difference < 0 ? Int64.max : 0) : max(0, difference))
        }
        return nil
    }
}
