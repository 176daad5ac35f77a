import LedgerCore
import LedgerSync

/// The `[serve]` table: how `ledgersync serve` listens and how often it syncs. Command-line options override it.
public struct ServeSettings: Sendable, Equatable {
    /// The address to bind; loopback unless a token is configured.
    public var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one.
    public var port = 8080
    /// The time between scheduled syncs.
    public var syncEvery: Duration = .seconds(15 * 60)
    /// The environment variable (or secrets-file entry) that holds the bearer token, if any.
    public var tokenEnv: String?
    /// The token, resolved from ``tokenEnv``.
    public var token: Secret?
    /// The most accounts `/metrics` gives their own series (the most urgent first).
    public var metricsAccountLimit = 500
    /// Requests a second one client address may make (bursts of twice that); 0 for no limit.
    public var requestsPerSecond = 100

    /// The defaults: loopback port 8080, a sync every 15 minutes, no token.
    public init() {}

    /// Reads a duration such as `90`, `90s`, `15m`, `2h` or `1d` (at least one second).
    public static func duration(_ text: String) -> Duration? { BackupSchedule.duration(text) }

    /// Reads `HOST:PORT`, `[IPv6]:PORT` or `PORT`.
    public static func address(_ text: String) -> (host: String, port: Int)? {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
        }
        guard let port = Int(portText), (0...65_535).contains(port) else { return nil }
        return (host, port)
    }

    /// Whether the host is a loopback address, which needs no token.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
