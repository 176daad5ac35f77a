import LedgerCore
import LedgerReports
import LedgerStore

/// A query asked as name–value pairs, as `serve`'s JSON API receives it: the `ledgersync query` options' names with
/// `_` for `-` (`as_of`, `recorded_as_of`, `source`, `account`, `unit`, `from`, `to`, `limit`, `after`, …).
///
/// Each list accepts only the names that apply to it, as each `query` subcommand declares only its options; an
/// unknown name or a bad value is a ``QueryParameterError`` naming the parameter.
public enum QueryParameters {
    /// The names a list accepts (``table``'s, in its order). Repeatable ones may be given more than once.
    public static func names(for kind: QueryKind) -> [String] {
        parameters(for: .list(kind)).map(\.name)
    }

    /// The names that may be given more than once.
    public static let repeatable = Set(table.filter(\.repeatable).map(\.name))

    /// The most rows one page may ask for.
    public static let maximumLimit = 10_000

    /// The options of `kind` from `pairs`, in JSON.
    /// - Throws: ``QueryParameterError`` naming the first parameter at fault.
    public static func options(
        for kind: QueryKind, _ pairs: [(name: String, value: String)]
    )
        throws(QueryParameterError) -> QueryOptions
    {
        let allowed = Set(names(for: kind))
        var values: [String: [String]] = [:]
        for (name, value) in pairs {
            guard allowed.contains(name) else {
                throw QueryParameterError(
                    name, value,
                    "unknown parameter for \(kind.rawValue) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            if values[name] != nil, !repeatable.contains(name) {
                throw QueryParameterError(name, value, "given more than once")
            }
            values[name, default: []].append(value)
        }
        func one(_ name: String) -> String? { values[name]?.first }

        var options = QueryOptions()
        options.format = .json
        do {
            options.zone = try DisplayZone(one("tz") ?? "UTC")
        } catch {
            throw QueryParameterError("tz", one("tz") ?? "", error.reason)
        }
        let zone = options.zone
        func time(_ name: String) throws(QueryParameterError) -> Instant? {
            guard let text = one(name) else { return nil }
            do { return try zone.parse(text, argument: name) } catch {
                throw QueryParameterError(name, text, error.reason)
            }
        }
        var kinds: [SourceKind] = []
        for text in values["kind"] ?? [] {
            guard let kind = SourceKind(rawValue: text) else {
                throw QueryParameterError(
                    "kind", text, "expected one of \(SourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        for name in ["source", "account", "unit", "name", "after"] {
            if let empty = values[name]?.first(where: \.isEmpty) { throw QueryParameterError(name, empty, "is empty") }
        }
        options.filter = QueryFilter(
            sources: values["source"] ?? [], kinds: kinds, accounts: values["account"] ?? [],
            namePattern: one("name"), units: values["unit"] ?? [], from: try time("from"), to: try time("to"))
        options.asOf = AsOf(valid: try time("as_of"), recorded: try time("recorded_as_of"))
        if let text = one("limit") {
            guard let limit = Int(text), (1...maximumLimit).contains(limit) else {
                throw QueryParameterError("limit", text, "expected a whole number from 1 to \(maximumLimit)")
            }
            options.page.limit = limit
        } else {
            options.page.limit = 100
        }
        options.page.after = one("after")
        if let text = one("axis") {
            guard let axis = TimeAxis(rawValue: text) else {
                throw QueryParameterError("axis", text, "expected valid or recorded")
            }
            options.axis = axis
        }
        if let text = one("include_superseded") {
            guard let flag = Bool(text) else {
                throw QueryParameterError("include_superseded", text, "expected true or false")
            }
            options.includeSuperseded = flag
        }
        let conflictKinds = ConflictKind.allCases.map(\.rawValue)
        for text in values["conflict_kind"] ?? [] where !conflictKinds.contains(text) {
            throw QueryParameterError("conflict_kind", text, "expected one of \(conflictKinds.joined(separator: ", "))")
        }
        options.conflictKinds = values["conflict_kind"] ?? []
        if let text = one("run") {
            guard let run = Int64(text), run > 0 else { throw QueryParameterError("run", text, "expected a run id") }
            options.runID = run
        }
        return options
    }
}

/// A query parameter that is unknown, repeated or has a bad value.
public struct QueryParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameter's name.
    public var name: String
    /// The value given (a remote string: escape it).
    public var value: String
    /// What is wrong, and what would be accepted.
    public var reason: String

    /// An error about parameter `name`.
    public init(_ name: String, _ value: String, _ reason: String) {
        self.name = name
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(name)=\(value.prefix(80)): \(reason)" }
}
