import LedgerCore
import LedgerReports
import LedgerStore

/// One query-string parameter of the API: its name, the type of its value, what it means, and which answers take
/// it. ``QueryParameters/table`` is the one place a list's parameters are written: the server parses by it, the
/// `query` subcommands' help reads its descriptions, and `docs/openapi.json` is made from it.
public struct QueryParameter: Sendable {
    /// What a value must look like.
    public enum ValueType: Sendable, Equatable {
        /// Any text, not empty.
        case text
        /// A whole number in `minimum...maximum`, `defaultValue` when not given.
        case integer(minimum: Int, maximum: Int?, defaultValue: Int?)
        /// A day or an instant (`2026-11-01`, `2026-11-01T08:00:00+08:00`).
        case date
        /// An instant.
        case dateTime
        /// `true` or `false`.
        case boolean
        /// One of these words.
        case choice([String])
        /// A time zone: `UTC`, an offset or an IANA name (the examples are what the document lists).
        case zone(examples: [String])
    }

    /// Where the parameter is taken.
    public enum Answer: Sendable, Hashable {
        /// A list, `GET /api/v1/<kind>` (and `ledgersync query <kind>`).
        case list(QueryKind)
        /// `GET /api/v1/reconciliation`.
        case reconciliation
    }

    /// The name in the query string (`_` where the CLI's option has `-`).
    public let name: String
    public let type: ValueType
    /// One sentence for people: the API document and the CLI's help.
    public let description: String
    /// Whether it may be given more than once (each value adds to the selection).
    public let repeatable: Bool
    /// The answers that take it.
    public let answers: Set<Answer>

    /// The description as the CLI's help puts it: "(repeatable)" said where it is.
    public var help: String {
        guard repeatable, description.hasSuffix(".") else { return description }
        return description.dropLast() + " (repeatable)."
    }
}

extension QueryParameters {
    /// Every list.
    static let lists = Set(QueryKind.allCases.map(QueryParameter.Answer.list))
    /// The lists of accounts' figures (all but runs).
    static let accountLists = lists.subtracting([.list(.runs)])
    /// The lists with a time window.
    static let windowLists: Set<QueryParameter.Answer> = lists.subtracting([.list(.balances), .list(.totals)])

    /// Every parameter, in the order the API document lists them.
    public static let table: [QueryParameter] = [
        .init(
            name: "source", type: .text, description: "A source instance name.", repeatable: true,
            answers: lists.union([.reconciliation])),
        .init(
            name: "kind", type: .choice(SourceKind.allCases.map(\.rawValue)),
            // The CLI's help lists the kinds itself (SourceKind is an argument enum); the document, as an enum.
            description: "A source kind.",
            repeatable: true, answers: lists.union([.reconciliation])),
        .init(
            name: "account", type: .text, description: "An account key such as 17, 101:2 or MST123456/W0001.",
            repeatable: true, answers: accountLists.union([.reconciliation])),
        .init(
            name: "name", type: .text,
            description: "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
            repeatable: false, answers: accountLists.union([.reconciliation])),
        .init(
            name: "unit", type: .text, description: "A unit such as CNY, tokens or SU.", repeatable: true,
            answers: accountLists.union([.reconciliation])),
        .init(
            name: "as_of", type: .dateTime,
            description: "The valid-time instant: when it was true at the source.", repeatable: false,
            answers: [.list(.balances), .list(.totals)]),
        .init(
            name: "recorded_as_of", type: .dateTime,
            description: "The recorded-time instant: what the ledger knew then.", repeatable: false,
            answers: [.list(.balances), .list(.totals)]),
        .init(
            name: "from", type: .date, description: "The start of the window (inclusive): a date or an instant.",
            repeatable: false, answers: windowLists.union([.reconciliation])),
        .init(
            name: "to", type: .date, description: "The end of the window (exclusive).", repeatable: false,
            answers: windowLists.union([.reconciliation])),
        .init(
            name: "include_superseded", type: .boolean, description: "Also rows that later knowledge replaced.",
            repeatable: false, answers: [.list(.history)]),
        .init(
            name: "axis", type: .choice(TimeAxis.allCases.map(\.rawValue)),
            description: "The time axis of the window: valid (true at the source) or recorded (known to the ledger).",
            repeatable: false, answers: [.list(.changes)]),
        .init(
            name: "conflict_kind", type: .choice(ConflictKind.allCases.map(\.rawValue)),
            description:
                "Only conflicts of this kind: \(ConflictKind.allCases.map(\.rawValue).joined(separator: ", ")).",
            repeatable: true, answers: [.list(.conflicts)]),
        .init(
            name: "run", type: .integer(minimum: 1, maximum: nil, defaultValue: nil),
            description: "Only those of this run.", repeatable: false, answers: [.list(.errors)]),
        .init(
            name: "limit", type: .integer(minimum: 1, maximum: maximumLimit, defaultValue: 100),
            description: "The most rows on a page.", repeatable: false,
            answers: lists.subtracting([.list(.totals)])),
        .init(
            name: "after", type: .text, description: "The `next_after` of the previous page (keyset paging).",
            repeatable: false, answers: lists.subtracting([.list(.totals)])),
        .init(
            name: "tz", type: .zone(examples: ["UTC", "+08:00", "-05:00", "Asia/Taipei", "Asia/Shanghai"]),
            description: "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.", repeatable: false,
            answers: lists.union([.reconciliation])),
        .init(
            name: "stale_after", type: .integer(minimum: 1, maximum: nil, defaultValue: 36),
            description: "Hours without fresh data before STALE.", repeatable: false, answers: [.reconciliation]),
        .init(
            name: "tolerance", type: .text, description: "RULE=AMOUNT: a difference allowed for a rule.",
            repeatable: true, answers: [.reconciliation]),
    ]

    /// The parameter named `name`.
    public static func parameter(_ name: String) -> QueryParameter? { table.first { $0.name == name } }

    /// The parameters `answer` takes, in the table's order.
    public static func parameters(for answer: QueryParameter.Answer) -> [QueryParameter] {
        table.filter { $0.answers.contains(answer) }
    }

    /// The CLI help of parameter `name` (a name not in the table is a defect a test catches: its help is empty).
    public static func help(_ name: String) -> String { parameter(name)?.help ?? "" }
}
