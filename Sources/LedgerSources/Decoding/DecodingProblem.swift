/// Why a payload could not be decoded, and where in it: the reason a quarantine record carries.
public struct DecodingProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The JSON path of the offending value (`data.balance`), or `$` for the document.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
