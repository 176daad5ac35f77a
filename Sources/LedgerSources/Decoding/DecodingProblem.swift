/// Why a payload could not be decoded, and where in it: the reason a quarantine record carries.
public struct DecodingProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The JSON path of the offending value (`data.balance`), or `$` for the document.
    public var path: String
    /// Why it does not decode, as a sentence.
    public var reason: String

    /// A problem at `path` (a JSON path such as `$.data.balance`).
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
