import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSources
import LedgerTestSupport
@testable import LedgerSync
import Testing

/// `[store]`: a SQLite `path` or a PostgreSQL `url`, its password from the environment or the secrets file by the
/// name `password_env` gives.
@Suite struct StoreLocationTests {
    /// Where each test writes its config files; removed when the test ends.
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Writes a config (and a 0600 secrets file beside it) and returns the config's path.
    func write(_ text: String, secrets: String? = nil) throws -> String {
        let file = directory.path + "/\(UUID().uuidString).toml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if let secrets {
            let path = directory.path + "/secrets.env"
            try Data(secrets.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        return file
    }

    @Test func aPathIsASQLiteLedgerBesideTheConfig() throws {
        let file = try write("[store]\npath = \"ledger.sqlite\"\n")
        #expect(
            try SyncConfiguration.storeLocation(configFile: file, environment: [:])
                == .sqlite(path: directory.path + "/ledger.sqlite"))
    }

    @Test func aURLIsAPostgreSQLLedgerWithItsPasswordFromTheSecretsFileByName() throws {
        let file = try write(
            """
            secrets_file = "secrets.env"
            [store]
            url = "postgresql://ledger@db.internal:5433/books?sslmode=verify-full"
            password_env = "LEDGER_DB_PASSWORD"
            """, secrets: "LEDGER_DB_PASSWORD=s3cret\n")
        let location = try SyncConfiguration.storeLocation(configFile: file, environment: [:])
        guard case .postgres(let postgres) = location else {
            Issue.record("expected a PostgreSQL location, got \(location)")
            return
        }
        #expect(postgres.password?.reveal() == "s3cret")
        #expect(postgres.port == 5433)
        #expect(postgres.tls == .verifyFull)
        #expect(!"\(location)".contains("s3cret"))
        // The environment wins over the secrets file, as for sources' secrets; PGPASSWORD is the default name.
        let plain = try write("[store]\nurl = \"postgresql://ledger@db/books\"\n")
        guard
            case .postgres(let fromEnvironment) = try SyncConfiguration.storeLocation(
                configFile: plain, environment: ["PGPASSWORD": "from-env"])
        else {
            Issue.record("expected a PostgreSQL location")
            return
        }
        #expect(fromEnvironment.password?.reveal() == "from-env")
    }

    @Test(arguments: [
        ("[store]\npath = \"a.sqlite\"\nurl = \"postgresql://u@h/d\"\n", "store:", "has both path"),
        ("[store]\n", "store:", "names no ledger"),
        ("[store]\npath = \"a.sqlite\"\npassword_env = \"X\"\n", "store.password_env", "PostgreSQL store"),
        ("[store]\nurl = \"postgresql://u:pw@h/d\"\n", "store.url", "holds a password"),
        ("[store]\nurl = \"postgresql://u@h/d?sslmode=maybe\"\n", "store.url", "sslmode 'maybe'"),
    ])
    func mistakesAreNamed(text: String, key: String, problem: String) throws {
        let file = try write(text)
        #expect {
            _ = try SyncConfiguration.storeLocation(configFile: file, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains(key) && text.contains(problem) && !text.contains(":pw@")
        }
    }

    @Test func aFullConfigWithAURLSyncsIntoPostgreSQLAndSQLiteOnlyCommandsSaySo() throws {
        let text = validConfig.replacingOccurrences(
            of: "path = \"ledger.sqlite\"", with: "url = \"postgresql://ledger@db/books\"")
        let configuration = try ConfigurationTests.parse(text)
        guard case .postgres(let location) = configuration.store else {
            Issue.record("expected a PostgreSQL store, got \(configuration.store)")
            return
        }
        #expect(location.database == "books")
        #expect {
            _ = try configuration.sqlitePath(for: "serve", file: "ledgersync.toml")
        } throws: { error in
            "\(error)".contains("store.url") && "\(error)".contains("`ledgersync serve` works on a SQLite ledger")
        }
    }

    @Test func initsCommentedPostgreSQLExampleParsesOnceUncommented() async throws {
        let result = try await CLI.run(["init"], in: directory.path)
        #expect(result.status == 0)
        let config = directory.path + "/ledgersync.toml"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "path = \"ledger.sqlite\"", with: "# path = \"ledger.sqlite\"")
        text = text.replacingOccurrences(of: "# url = \"postgresql", with: "url = \"postgresql")
        text = text.replacingOccurrences(
            of: "# password_env = \"LEDGER_DB_PASSWORD\"", with: "password_env = \"LEDGER_DB_PASSWORD\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        let secrets = directory.path + "/secrets.env"
        var secretsText = try String(contentsOfFile: secrets, encoding: .utf8)
        secretsText = secretsText.replacingOccurrences(of: "# LEDGER_DB_PASSWORD=", with: "LEDGER_DB_PASSWORD=pw")
        try Data(secretsText.utf8).write(to: URL(fileURLWithPath: secrets))
        let location = try SyncConfiguration.storeLocation(configFile: config, environment: [:])
        guard case .postgres(let postgres) = location else {
            Issue.record("expected a PostgreSQL location, got \(location)")
            return
        }
        #expect(postgres.description == "postgresql://ledger@db.internal:5432/ledger")
        #expect(postgres.tls == .verifyFull)
        #expect(postgres.password?.reveal() == "pw")
    }
}
