/// A source's base URL, checked once: `http(s)://host[:port][/prefix]`.
public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
    /// `https`, or `http` for loopback tests and simulators.
    public let scheme: String
    /// `host` or `host:port`, as the Host header carries it.
    public let authority: String
    /// A path prefix without a trailing slash (often empty).
    public let prefix: String

    /// - Throws: ``SourceError`` of kind `configuration` naming what is wrong.
    public init(_ text: String, source: String) throws(SourceError) {
        func invalid(_ reason: String) -> SourceError {
            SourceError(
                kind: .configuration, source: source, target: "base_url",
                message: "\"\(text)\" is not a usable base URL: \(reason)", retryable: false)
        }
        guard let schemeEnd = text.range(of: "://") else { throw invalid("it needs http:// or https://") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid("the scheme must be http or https") }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains(" ") else {
            throw invalid("it has no host, or has credentials or spaces in it")
        }
        var prefix = String(rest.dropFirst(authority.count))
        guard !prefix.contains("?"), !prefix.contains("#") else {
            throw invalid("it must not have a query or fragment")
        }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.scheme = scheme
        self.authority = String(authority)
        self.prefix = prefix
    }

    /// The URL of a path (already starting with `/`) and query parameters, percent-encoded.
    public func url(path: String, query: [(name: String, value: String)] = []) -> String {
        var url = "\(scheme)://\(authority)\(prefix)\(ACS3Signer.percentEncode(path, keepSlash: true))"
        if !query.isEmpty {
            url +=
                "?"
                + query.map { "\(ACS3Signer.percentEncode($0.name))=\(ACS3Signer.percentEncode($0.value))" }
                .joined(separator: "&")
        }
        return url
    }

    /// The full path a request goes to, with the prefix.
    public func path(_ path: String) -> String { prefix + path }

    public var description: String { "\(scheme)://\(authority)\(prefix)" }
}

/// Accounts found by listing a source, and whether the listing is complete enough to mark others gone.
public struct Discovery<Item: Sendable>: Sendable {
    /// What was found.
    public var items: [Item]
    /// True only when paging reached a trustworthy end; a partial discovery marks nothing gone.
    public var complete: Bool
    /// Why discovery stopped early, when it did.
    public var failure: SourceError?
    /// How many pages were received. (The pages themselves are not kept: a large discovery would hold every page
    /// body in memory until the sync ends.)
    public var pages: Int
    /// Pages that did not decode.
    public var quarantined: [(problem: DecodingProblem, response: SourceResponse)]
}
