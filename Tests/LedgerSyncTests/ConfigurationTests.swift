import Foundation
import LedgerCore
import LedgerSources
import Logging
@testable import LedgerSync
import Testing

let validConfig = """
    [store]
    path = "ledger.sqlite"

    [sources.mr]
    kind = "modelrouter"
    base_url = "https://aicontent.aliyuncs.com"
    clients = [1, 2]
    discover = false
    access_key_id_env = "AK"
    access_key_secret_env = "SK"
    concurrency = 4
    requests_per_second = 20
    """

@Suite("Configuration")
struct ConfigurationTests {
    static let environment = ["AK": "id", "SK": "secret", "TOKEN": "t"]

    static func parse(_ text: String, environment: [String: String] = environment) throws -> SyncConfiguration {
        try SyncConfiguration.parse(
            text, file: "/etc/ledgersync.toml", directory: "/var/lib/ledger", environment: environment)
    }

    @Test("A valid config resolves paths, accounts, limits and secrets")
    func valid() throws {
        let configuration = try Self.parse(validConfig)
        #expect(configuration.storePath == "/var/lib/ledger/ledger.sqlite")
        let source = try #require(configuration.sources.first)
        #expect(source.accounts == [.modelRouter(clientID: 1), .modelRouter(clientID: 2)])
        #expect(source.limits.concurrency == 4)
        #expect(source.limits.requestsPerSecond == 20)
        let settings = try #require(source.settings as? ModelRouterSettings)
        #expect(settings.accessKeyID == "id")
        #expect(settings.accessKeySecret.reveal() == "secret")
    }

    @Test(
        "Errors name the file, the key and what is wrong",
        arguments: [
            ("[store]\npath = 1\n", "store.path", "expected a string"),
            ("[sources.x]\nkind = \"mr\"\n", "store", "missing table"),
            (
                validConfig.replacingOccurrences(of: "modelrouter\"", with: "bank\""), "sources.mr.kind",
                "not a source kind"
            ),
            (
                validConfig.replacingOccurrences(of: "https://aicontent.aliyuncs.com", with: "ftp://x"),
                "sources.mr.base_url", "scheme"
            ),
            (
                validConfig.replacingOccurrences(of: "concurrency = 4", with: "concurrency = 0"),
                "sources.mr.concurrency", "outside"
            ),
            (
                validConfig.replacingOccurrences(of: "\"SK\"", with: "\"NOPE\""), "sources.mr.access_key_secret_env",
                "NOPE is not set"
            ),
            (validConfig + "\ncolour = \"red\"\n", "sources.mr.colour", "unknown key"),
            (
                validConfig.replacingOccurrences(of: "clients = [1, 2]", with: "clients = [\"a\"]"),
                "sources.mr.clients[0]", "integer"
            ),
            (validConfig.replacingOccurrences(of: "clients = [1, 2]", with: ""), "sources.mr.clients", "no account"),
            ("[store\npath = 1", "", "not valid TOML at line"),
            // Found by the config fuzz target: an empty key could not be named by its dotted path alone.
            ("\"\" = \"\"\n", "", "unknown key \"\" (allowed here"),
            // Found by the config fuzz target: toml++ inside TOMLKit assumes a table header starts with a key
            // character, and fails an assertion (undefined behaviour in a release build) when it does not.
            ("[\u{FFFD}\u{FFFD}\"\"\"\"ore]\nd = 1\n", "", "line 1: a table header must start with a name"),
            ("[store]\npath = \"x\"\n[[ \u{1F600}]]\n", "", "line 3: a table header must start with a name"),
            ("[store]\npath = \"x.sqlite\"\n[.sqlite\"\n", "", "line 3: a table header must start with a name"),
            ("[store]\n[\npath = 1\n", "", "line 2: a table header must start with a name"),
            ("\u{FEFF}[\np", "", "line 1: a table header must start with a name"),
            ("[\u{030D}te]\na = 1\n", "", "line 1: a table header must start with a name"),
            ("[store]\r\n[\u{FFFD}]\r\n", "", "line 2: a table header must start with a name"),
        ])
    func errors(text: String, key: String, problem: String) {
        let error = #expect(throws: ConfigError.self) { try Self.parse(text) }
        #expect(error?.file == "/etc/ledgersync.toml")
        #expect(error?.key == key)
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    @Test("A line that starts with [ inside a multi-line string is not a table header")
    func bracketInMultilineString() throws {
        let text = validConfig.replacingOccurrences(
            of: "[sources.mr]", with: "[sync]\nnote = \"\"\"\n[\u{FFFD} not a header\n\"\"\"\n\n[sources.mr]")
        let error = #expect(throws: ConfigError.self) { try Self.parse(text) }
        // Refused for the unknown key, not for the bracket: the header check skipped the string's lines.
        #expect(error?.key == "sync.note", "\(String(describing: error))")
    }

    @Test("A secrets file must be private to its owner, and never echoes a secret")
    func secretsFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secrets = directory.appendingPathComponent("secrets.env").path
        try Data("AK=from-file\nSK=file-secret\n".utf8).write(to: URL(fileURLWithPath: secrets))
        let config = directory.appendingPathComponent("ledgersync.toml").path
        try Data(("secrets_file = \"secrets.env\"\n" + validConfig).utf8).write(to: URL(fileURLWithPath: config))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secrets)
        let error = #expect(throws: ConfigError.self) { try SyncConfiguration.load(path: config, environment: [:]) }
        #expect(error?.key == "secrets_file")
        #expect(error?.problem.contains("chmod 600") == true)

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secrets)
        let loaded = try SyncConfiguration.load(path: config, environment: ["SK": "from-env"])
        let settings = try #require(loaded.sources[0].settings as? ModelRouterSettings)
        #expect(settings.accessKeyID == "from-file")
        #expect(settings.accessKeySecret.reveal() == "from-env")

        try Data("AK=from-file\nthis line is the secret itself\n".utf8).write(to: URL(fileURLWithPath: secrets))
        let malformed = #expect(throws: ConfigError.self) { try SyncConfiguration.load(path: config, environment: [:]) }
        #expect(malformed?.problem.contains("line 2") == true)
        #expect(malformed?.description.contains("secret itself") == false)
    }

    @Test("Account lists can live in files beside the config: one per line, comments skipped, joined to inline lists")
    func listFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-lists-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        try write("orgs.txt", "# customers exported from the CRM\n105\n\n  101  \n105\n7\n")
        try write("projects.txt", "MST000002\r\nMST000003\r\n")
        try write("wallets.txt", "MST000009/W0001\n")
        try write(
            "ledgersync.toml",
            """
            [store]
            path = "ledger.sqlite"
            [sources.dms]
            kind = "dms_credit"
            base_url = "http://127.0.0.1:1"
            discover = false
            orgs = [101, 3]
            orgs_file = "orgs.txt"
            [sources.twcc]
            kind = "twcc_wallet"
            base_url = "http://127.0.0.1:1"
            projects = ["MST000001"]
            projects_file = "projects.txt"
            wallets_file = "wallets.txt"
            account_env = "AK"
            password_env = "SK"
            """)
        let config = try SyncConfiguration.load(
            path: directory.appendingPathComponent("ledgersync.toml").path, environment: Self.environment)
        let dms = try #require(config.sources.first { $0.name == "dms" })
        // Inline first, then the file; each org once, in the order first named.
        #expect(Array(dms.accounts) == [101, 3, 105, 7].map { AccountKey.dmsCredit(orgID: $0, orgType: 2) })
        let twcc = try #require(config.sources.first { $0.name == "twcc" })
        #expect((twcc.settings as? TWCCWalletSettings)?.projects == ["MST000001", "MST000002", "MST000003"])
        #expect(Array(twcc.accounts) == [.twccWallet(projectCode: "MST000009", walletCode: "W0001")])

        try write("orgs.txt", "101\n# ok\n10x\n")
        let error = #expect(throws: ConfigError.self) {
            try SyncConfiguration.load(
                path: directory.appendingPathComponent("ledgersync.toml").path, environment: Self.environment)
        }
        #expect(error?.key == "sources.dms.orgs_file")
        #expect(
            error?.problem.contains("orgs.txt line 3: \"10x\" is not a non-negative integer") == true,
            "\(String(describing: error))")
        try FileManager.default.removeItem(at: directory.appendingPathComponent("wallets.txt"))
        try write("orgs.txt", "101\n")
        let missing = #expect(throws: ConfigError.self) {
            try SyncConfiguration.load(
                path: directory.appendingPathComponent("ledgersync.toml").path, environment: Self.environment)
        }
        #expect(missing?.key == "sources.twcc.wallets_file")
        #expect(missing?.problem.contains("cannot read") == true)
    }

    @Test("An account list keeps each account once, in first order, whatever mix of kinds it holds")
    func accountList() {
        let mixed: [AccountKey] = [
            .dmsCredit(orgID: 1, orgType: 2), .dmsCredit(orgID: 1, orgType: 3), .modelRouter(clientID: 1),
            .dmsCredit(orgID: 1, orgType: 2), .twccWallet(projectCode: "P", walletCode: "W"),
        ]
        #expect(Array(AccountList(mixed)) == [mixed[0], mixed[1], mixed[2], mixed[4]])
        let clients = AccountList([.modelRouter(clientID: 9), .modelRouter(clientID: 8), .modelRouter(clientID: 9)])
        #expect(Array(clients) == [.modelRouter(clientID: 9), .modelRouter(clientID: 8)])
        #expect(AccountList(modelRouterClients: [9, 8, 9]) == clients)
        #expect(
            Array(AccountList(dmsOrgs: [4, 4, 5], orgType: 7)) == [4, 5].map { .dmsCredit(orgID: $0, orgType: 7) })
        #expect(AccountList([]).isEmpty)
    }

    @Test(
        "Each kind's settings type reads its keys and builds its own connector; kinds share no key",
        arguments: SourceKind.allCases)
    func registration(kind: SourceKind) throws {
        let settingsType = kind.connectorType.settingsType
        #expect(Set(settingsType.keys).isDisjoint(with: SourceConfiguration.commonKeys), "\(kind)")
        let accounts =
            switch kind {
            case .modelRouter: "clients = [1]\naccess_key_id_env = \"AK\"\naccess_key_secret_env = \"SK\""
            case .dmsCredit: "orgs = [1]\ntoken_env = \"TOKEN\""
            case .twccWallet: "wallets = [\"P/W\"]\naccount_env = \"AK\"\npassword_env = \"SK\""
            }
        let text = """
            [store]
            path = "ledger.sqlite"
            [sources.one]
            kind = "\(kind.rawValue)"
            base_url = "http://127.0.0.1:1"
            \(accounts)
            """
        let source = try #require(try Self.parse(text).sources.first)
        #expect(type(of: source.settings) == settingsType)
        #expect(source.unit == settingsType.defaultUnit)
        #expect(source.discover == (settingsType.listing == .available(byDefault: true)))
        let http = SourceHTTPClient(
            source: source.name, transport: RefusingTransport(), limits: source.limits, logger: Logger(label: "test"))
        let connector = source.connector(http: http, clock: SystemClock())
        #expect(type(of: connector) == kind.connectorType)
        #expect(connector.name == "one")
    }
}

/// A transport that is never reached: the registration test builds connectors without sending.
private struct RefusingTransport: HTTPTransport {
    func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        throw .invalidRequest("not sent")
    }
}
