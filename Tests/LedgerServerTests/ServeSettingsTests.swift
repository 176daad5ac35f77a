import LedgerServer
import LedgerSources
import LedgerSync
import Testing

/// The `[serve]` table, read by the server module from the one config file the sync reads too.
@Suite("serve: the [serve] table")
struct ServeSettingsTests {
    static func text(_ serve: String) -> String {
        """
        [store]
        path = "ledger.sqlite"
        [serve]
        \(serve)
        [sources.mr]
        kind = "modelrouter"
        base_url = "http://127.0.0.1:9"
        access_key_id_env = "AK"
        access_key_secret_env = "SK"
        """
    }

    static let environment = ["AK": "a", "SK": "s", "TOKEN": "t-1"]

    @Test("Its keys are read with the file's secrets; the sync reads the same file and leaves the table to serve")
    func read() throws {
        let text = Self.text(
            "listen = \"[::1]:9090\"\nsync_every = \"2h\"\ntoken_env = \"TOKEN\"\nrequests_per_second = 0")
        let configuration = try ServeConfiguration.parse(
            text, file: "c.toml", directory: "/tmp", environment: Self.environment)
        #expect(configuration.serve.host == "::1" && configuration.serve.port == 9090)
        #expect(configuration.serve.syncEvery == .seconds(7_200) && configuration.serve.requestsPerSecond == 0)
        #expect(configuration.serve.token?.reveal() == "t-1" && configuration.serve.tokenEnv == "TOKEN")
        #expect(configuration.sync.sources.map(\.name) == ["mr"])
        let sync = try SyncConfiguration.parse(text, file: "c.toml", directory: "/tmp", environment: Self.environment)
        #expect(sync.sources.map(\.name) == ["mr"])
    }

    @Test(
        "A bad key or value is a config error naming file and key",
        arguments: [
            ("listen = \"nowhere\"", "serve.listen"), ("sync_every = \"soon\"", "serve.sync_every"),
            ("token_env = \"NOPE\"", "serve.token_env"), ("lissten = \"x\"", "serve.lissten"),
            ("metrics_max_accounts = -1", "serve.metrics_max_accounts"),
        ])
    func refused(line: String, key: String) {
        #expect {
            try ServeConfiguration.parse(
                Self.text(line), file: "c.toml", directory: "/tmp", environment: Self.environment)
        } throws: { error in
            (error as? ConfigError)?.key == key && "\(error)".contains("c.toml")
        }
    }
}
