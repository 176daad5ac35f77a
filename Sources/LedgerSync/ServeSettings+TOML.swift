import LedgerCore
import LedgerSources

extension ServeSettings {
    /// Reads the `[serve]` table.
    static func parse(_ table: TableReader, secrets: [String: String]) throws(ConfigError) -> ServeSettings {
        try table.allowOnly(["listen", "sync_every", "token_env", "metrics_max_accounts", "requests_per_second"])
        var settings = ServeSettings()
        if let listen = try table.optionalString("listen") {
            guard let address = address(listen) else {
                throw table.error("listen", "\"\(listen.prefix(60))\" is not HOST:PORT (such as 127.0.0.1:8080)")
            }
            (settings.host, settings.port) = address
        }
        if let every = try table.optionalString("sync_every") {
            guard let duration = duration(every) else {
                throw table.error("sync_every", "\"\(every.prefix(40))\" is not a duration such as 90s, 15m, 2h or 1d")
            }
            settings.syncEvery = duration
        }
        if let name = try table.optionalString("token_env") {
            guard let value = secrets[name], !value.isEmpty else {
                throw table.error("token_env", "the environment variable \(name) is not set (nor in the secrets file)")
            }
            settings.tokenEnv = name
            settings.token = Secret(value)
        }
        settings.metricsAccountLimit =
            try table.optionalInt("metrics_max_accounts", range: 0...100_000) ?? settings.metricsAccountLimit
        settings.requestsPerSecond =
            try table.optionalInt("requests_per_second", range: 0...1_000_000) ?? settings.requestsPerSecond
        return settings
    }
}
