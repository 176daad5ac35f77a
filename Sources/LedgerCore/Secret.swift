/// A credential. Its description, debug description and reflection never show the value, so interpolating it
/// into a log line or an error cannot leak it; only ``reveal()`` returns it, at the point of use.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// The credential itself, for signing or a header; never for logging.
    public func reveal() -> String { value }

    /// Whether the secret is empty (a config error).
    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
