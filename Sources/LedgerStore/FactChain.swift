import Crypto
import Foundation
import GRDB
import LedgerCore

/// A point of the ledger's hash chain: the last link's position and hash.
///
/// Written down (in an export's manifest, in `check --json`, from `/api/v1/status`), it lets anyone later ask the
/// ledger whether it still holds that history: `ledgersync verify --expect-head HASH`.
public struct ChainHead: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How many facts the chain holds up to this point (0 for an empty ledger).
    public var position: Int64
    /// The lowercase hex SHA-256 of the link at `position` (64 zeros for an empty ledger).
    public var hash: String

    /// A point of a chain.
    public init(position: Int64, hash: String) {
        self.position = position
        self.hash = hash
    }

    /// The head of a ledger with no facts: what the first link chains from.
    public static let genesis = ChainHead(position: 0, hash: String(repeating: "0", count: 64))

    public var description: String { "\(hash) (fact \(position))" }

    /// `{"position": N, "hash": "…"}`, as manifests, `check --json` and `/api/v1/status` write it.
    public var json: JSONValue {
        .object(JSONObject([("position", .number(String(position))), ("hash", .string(hash))]))
    }
}

/// The kinds of fact the chain links (`fact_chain.fact`).
package enum FactKind: String, Sendable, CaseIterable {
    /// A raw response: its bytes and request identity, re-read from its `raw_response` row.
    case rawResponse = "raw_response"
    /// An account a complete discovery no longer listed; the link itself is the record.
    case gone
    /// An alert's state change, re-read from its `alert_state` row.
    case alert
    /// A fetch that failed, re-read from its `fetch_error` row.
    case fetchError = "fetch_error"
}

/// The canonical bytes of one fact, whose SHA-256 is chained.
///
/// A version tag, the kind, then each field by name in a fixed order: integers in decimal, strings prefixed with
/// their length in bytes, absent values as `-`, so no two different facts have the same bytes. These bytes are the
/// chain's contract with every ledger ever written: a change to them is a new version tag, never an edit.
package struct CanonicalFact {
    private var bytes: [UInt8] = []

    package init(_ kind: FactKind) {
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: "ledgersync.fact/1\n".utf8)
        bytes.append(contentsOf: kind.rawValue.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    package mutating func add(_ name: String, _ value: Int64?) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        if let value {
            bytes.append(UInt8(ascii: "i"))
            bytes.append(contentsOf: String(value).utf8)
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    package mutating func add(_ name: String, _ value: String?) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        if let value {
            bytes.append(UInt8(ascii: "s"))
            bytes.append(contentsOf: String(value.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: value.utf8)
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The lowercase hex SHA-256 of the bytes.
    package var sha256: String { lowercaseHex(SHA256.hash(data: bytes)) }

    /// A raw response's fact: who answered what to which request, and the SHA-256 of the body (computed from the
    /// body, never taken from the row's `sha256` column, so a changed byte shows).
    package static func raw(
        id: Int64, runID: Int64?, sourceID: Int64, method: String, url: String, action: String?, httpStatus: Int64,
        dateHeaderAt: Int64?, receivedAt: Int64, requestID: String?, bodySHA256: String
    ) -> CanonicalFact {
        var fact = CanonicalFact(.rawResponse)
        fact.add("id", id)
        fact.add("run_id", runID)
        fact.add("source_id", sourceID)
        fact.add("method", method)
        fact.add("url", url)
        fact.add("action", action)
        fact.add("http_status", httpStatus)
        fact.add("date_header_at", dateHeaderAt)
        fact.add("received_at", receivedAt)
        fact.add("request_id", requestID)
        fact.add("body_sha256", bodySHA256)
        return fact
    }

    /// A gone marker's fact: the account, when, and in which run.
    package static func gone(sourceID: Int64, accountKey: String, at: Int64, runID: Int64?) -> CanonicalFact {
        var fact = CanonicalFact(.gone)
        fact.add("source_id", sourceID)
        fact.add("account_key", accountKey)
        fact.add("at", at)
        fact.add("run_id", runID)
        return fact
    }

    /// A failed fetch: which target of which source, what came back, when.
    static func fetchError(_ row: Row) throws -> CanonicalFact {
        var fact = CanonicalFact(.fetchError)
        for (index, name) in fetchErrorColumns.enumerated() {
            switch (row[index] as DatabaseValue).storage {
            case .null: fact.add(name, Int64?.none)
            case .int64(let number): fact.add(name, number)
            case .string(let text): fact.add(name, text)
            case .double(let number): fact.add(name, String(number))
            case .blob(let data): fact.add(name, lowercaseHex(data))
            }
        }
        return fact
    }

    /// A failed fetch from its typed columns (the PostgreSQL store's reading): the same bytes as
    /// ``fetchError(_:)`` gives for the same row, a flag as the integer 0 or 1 as SQLite keeps it.
    package static func fetchError(
        id: Int64, runID: Int64?, sourceID: Int64, accountID: Int64?, target: String, kind: String,
        httpStatus: Int64?, remoteCode: String?, message: String, requestID: String?, retryable: Bool,
        attempts: Int64, occurredAt: Int64
    ) -> CanonicalFact {
        var fact = CanonicalFact(.fetchError)
        fact.add("id", id)
        fact.add("run_id", runID)
        fact.add("source_id", sourceID)
        fact.add("account_id", accountID)
        fact.add("target", target)
        fact.add("kind", kind)
        fact.add("http_status", httpStatus)
        fact.add("remote_code", remoteCode)
        fact.add("message", message)
        fact.add("request_id", requestID)
        fact.add("retryable", retryable ? 1 : 0)
        fact.add("attempts", attempts)
        fact.add("occurred_at", occurredAt)
        return fact
    }

    /// The columns of `fetch_error` a fetch error's fact is made of, in order.
    package static let fetchErrorColumns = [
        "id", "run_id", "source_id", "account_id", "target", "kind", "http_status", "remote_code", "message",
        "request_id", "retryable", "attempts", "occurred_at",
    ]

    /// An alert's state change: which firing, of which rule and subject, began or ended when.
    package static func alert(
        id: Int64, rule: String, kind: String, subject: String, event: String, at: Int64
    )
        -> CanonicalFact
    {
        var fact = CanonicalFact(.alert)
        fact.add("id", id)
        fact.add("rule", rule)
        fact.add("kind", kind)
        fact.add("subject", subject)
        fact.add("event", event)
        fact.add("at", at)
        return fact
    }
}

/// The chain's arithmetic.
package enum FactChain {
    /// The hash of the link after `previous` for a fact whose canonical bytes hash to `factSHA256`:
    /// SHA-256(previous ‖ fact), over the 32 raw bytes of each.
    package static func link(previous: String, factSHA256: String) -> String {
        var hasher = SHA256()
        hasher.update(data: bytes(hex: previous))
        hasher.update(data: bytes(hex: factSHA256))
        return lowercaseHex(hasher.finalize())
    }

    /// The bytes of lowercase or uppercase hex; a malformed digit reads as zero (a stored hash that is not hex
    /// then simply fails to match).
    static func bytes(hex: String) -> [UInt8] {
        var hex = hex
        return hex.withUTF8 { text in
            [UInt8](unsafeUninitializedCapacity: text.count / 2) { buffer, count in
                for index in 0..<text.count / 2 {
                    buffer[index] = digit(text[2 * index]) << 4 | digit(text[2 * index + 1])
                }
                count = text.count / 2
            }
        }
    }

    private static func digit(_ character: UInt8) -> UInt8 {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: 0
        }
    }

    /// Whether `text` is 64 hex digits.
    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
