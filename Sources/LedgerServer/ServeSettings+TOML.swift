import LedgerCore
import LedgerSources
import LedgerSync

extension ServeSettings {
    /// Reads the config file's `[serve]` table (the defaults when there is none).
    public init(_ table: ConfigSection?) throws(ConfigError) {
        self.init()
        guard let table else { return }
        try table.allowOnly(["listen", "sync_every", "token_env", "metrics_max_accounts", "requests_per_second"])
        if let listen = try table.optionalString("listen") {
            guard let address = Self.address(listen) else {
                throw table.error("listen", "\"\(listen.prefix(60))\" is not HOST:PORT (such as 127.0.0.1:8080)")
            }
            (host, port) = address
        }
        if let every = try table.optionalString("sync_every") {
            guard let duration = Self.duration(every) else {
                throw table.error("sync_every", "\"\(every.prefix(40))\" is not a duration such as 90s, 15m, 2h or 1d")
            }
            syncEvery = duration
        }
        if let name = try table.optionalString("token_env") {
            guard let value = table.secret(named: name), !value.isEmpty else {
                throw table.error("token_env", "the environment variable \(name) is not set (nor in the secrets file)")
            }
            tokenEnv = name
            token = Secret(value)
        }
        metricsAccountLimit = try table.optionalInt("metrics_max_accounts", range: 0...100_000) ?? metricsAccountLimit
        requestsPerSecond = try table.optionalInt("requests_per_second", range: 0...1_000_000) ?? requestsPerSecond
    }
}

/// What `serve` reads from the config file: the sync's configuration and the `[serve]` table.
public struct ServeConfiguration: Sendable {
    /// The sources, the ledger and the alert rules.
    public var sync: SyncConfiguration
    /// How `serve` listens and how often it syncs.
    public var serve: ServeSettings

    /// Both parts.
    public init(sync: SyncConfiguration, serve: ServeSettings = ServeSettings()) {
        self.sync = sync
        self.serve = serve
    }

    /// Reads a config file (see ``SyncConfiguration/load(path:environment:)``).
    /// - Throws: ``ConfigError`` naming the file, the key and what is wrong.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> ServeConfiguration {
        let (sync, serve) = try SyncConfiguration.load(path: path, environment: environment, section: "serve") {
            table throws(ConfigError) in try ServeSettings(table)
        }
        _ = try sync.sqlitePath(for: "serve", file: path)
        return ServeConfiguration(sync: sync, serve: serve)
    }

    /// Parses config text; relative paths are resolved against `directory`.
    /// - Throws: ``ConfigError``.
    public static func parse(
        _ text: String, file: String, directory: String, environment: [String: String]
    ) throws(ConfigError) -> ServeConfiguration {
        let (sync, serve) = try SyncConfiguration.parse(
            text, file: file, directory: directory, environment: environment, section: "serve"
        ) { table throws(ConfigError) in try ServeSettings(table) }
        return ServeConfiguration(sync: sync, serve: serve)
    }
}
