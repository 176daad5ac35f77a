import Foundation
import LedgerCore

/// A fault the simulator can inject into its answers.
public enum FaultKind: String, Sendable, Codable, CaseIterable {
    /// HTTP 500 with the source's error body.
    case serverError = "server_error"
    /// HTTP 429 with Retry-After.
    case throttled
    /// HTTP 403: ModelRouter B.Permission.DeniedException, TWCC 385.
    case permissionDenied = "permission_denied"
    /// An expired credential: TWCC 401/89 for the current token, ModelRouter InvalidTimeStamp.Expired, DMS 401.
    case expiredToken = "expired_token"
    /// HTTP 404: TWCC 2001 "No data found." (or the plain-text "data not found." with `plainText`).
    case notFound = "not_found"
    /// The answer waits `delayMilliseconds` first.
    case slow
    /// Half the body is sent, then the connection is dropped.
    case dropMidBody = "drop_mid_body"
    /// A complete HTTP answer whose JSON body is cut in half.
    case truncatedJSON = "truncated_json"
    /// A body that is not JSON at all.
    case malformedJSON = "malformed_json"
    /// The right shape with wrong types: the amount as a boolean.
    case wrongTypes = "wrong_types"
    /// ModelRouter balance: the balance is the rule's `amount` text, sent as a JSON number token exactly as given
    /// (a figure no exact ledger can hold, such as a 40-digit number).
    case literalAmount = "literal_amount"
    /// A valid body larger than `bytes` (default 6 MiB).
    case oversizedBody = "oversized_body"
    /// ModelRouter: the previous balance with its older gmtModified, after a newer one was served.
    case staleGmtModified = "stale_gmt_modified"
    /// ModelRouter: the current gmtModified with a different balance.
    case sameTimestampDifferentContent = "same_timestamp_different_content"
    /// ModelRouter: a gmtModified a day ahead of the simulator's clock (a source whose clock is wrong).
    case clockSkew = "clock_skew"
    /// DMS: total_available_amount one unit more than balance + available_amount (a source-side inconsistency).
    case inconsistentTotals = "inconsistent_totals"
    /// ModelRouter balance logs: the newest entry of the client is left out of the listing.
    case droppedLogEntry = "dropped_log_entry"
    /// Lists: every page carries the same nextToken.
    case repeatedNextToken = "repeated_next_token"
    /// Lists: after the first page, empty pages with fresh tokens forever.
    case endlessEmptyPages = "endless_empty_pages"
    /// Lists: the reported total is larger than what is ever listed.
    case totalNeverReached = "total_never_reached"
    /// ModelRouter client list: every page after the first starts `entries` places early (default 3), as offset
    /// paging does when clients are added ahead of the reader, so it repeats entries of the pages before.
    case shiftedPages = "shifted_pages"
}

/// One fault rule: which answers it hits, and how often.
public struct FaultRule: Sendable, Codable, Hashable {
    public var kind: FaultKind
    /// The source it hits; `nil` for all.
    public var source: SourceKind?
    /// The target it hits: an account key (`1001`, `101:2`, `MST000001/W0001`), `list`, `logs:1001` or `token`;
    /// `nil` for every target.
    public var target: String?
    /// How many answers it hits before it is spent; `nil` for all.
    public var times: Int?
    public var retryAfterSeconds: Int?
    public var delayMilliseconds: Int?
    public var bytes: Int?
    /// For not_found on TWCC: answer the plain text `data not found.`.
    public var plainText: Bool?
    /// For shifted_pages: how many places early each later page starts.
    public var entries: Int?
    /// For literal_amount: the number token to send.
    public var amount: String?

    public init(
        _ kind: FaultKind, source: SourceKind? = nil, target: String? = nil, times: Int? = nil,
        retryAfterSeconds: Int? = nil, delayMilliseconds: Int? = nil, bytes: Int? = nil, plainText: Bool? = nil,
        entries: Int? = nil, amount: String? = nil
    ) {
        self.kind = kind
        self.source = source
        self.target = target
        self.times = times
        self.retryAfterSeconds = retryAfterSeconds
        self.delayMilliseconds = delayMilliseconds
        self.bytes = bytes
        self.plainText = plainText
        self.entries = entries
        self.amount = amount
    }
}

/// The active fault rules. Thread-safe; each hit of a counted rule uses one of its times.
public final class FaultPlan: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [FaultRule] = []
    /// How many answers each fault kind has changed.
    private var hits: [FaultKind: Int] = [:]

    public init() {}

    public func add(_ rule: FaultRule) { lock.withLock { rules.append(rule) } }
    public func clear() { lock.withLock { rules.removeAll() } }
    public func hitCount(_ kind: FaultKind) -> Int { lock.withLock { hits[kind] ?? 0 } }

    /// The first rule matching a request, using one of its times.
    func take(source: SourceKind, target: String) -> FaultRule? {
        lock.withLock {
            guard
                let index = rules.firstIndex(where: { rule in
                    (rule.source == nil || rule.source == source) && (rule.target == nil || rule.target == target)
                })
            else { return nil }
            let rule = rules[index]
            if let times = rule.times {
                if times <= 1 { rules.remove(at: index) } else { rules[index].times = times - 1 }
            }
            hits[rule.kind, default: 0] += 1
            return rule
        }
    }
}
