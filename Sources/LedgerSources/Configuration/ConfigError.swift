/// A configuration problem: the file, the key, and what is wrong with it.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The config file.
    public var file: String
    /// The dotted key, such as `sources.mr.base_url`; empty for the file as a whole.
    public var key: String
    /// What is wrong, as a sentence the user can act on.
    public var problem: String

    /// A problem with `key` of `file`.
    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        key.isEmpty ? "\(file): \(problem)" : "\(file): \(key): \(problem)"
    }
}
