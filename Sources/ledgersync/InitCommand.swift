import ArgumentParser
import Foundation
import LedgerDemo

/// `ledgersync init`: a commented config with one example per source kind and a private secrets template.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented ledgersync.toml and a secrets.env template (mode 0600) to start from.",
        discussion: """
            Each source kind has an example, commented out: uncomment one, fill in its accounts, put its secrets in \
            secrets.env, then run `ledgersync sync`. Existing files are never overwritten.
            """)

    @Option(name: .long, help: "The directory to write into (created if missing).")
    var dir: String = "."

    func run() throws {
        let files = FileManager.default
        try files.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = URL(fileURLWithPath: dir).appendingPathComponent("ledgersync.toml").path
        let secrets = URL(fileURLWithPath: dir).appendingPathComponent("secrets.env").path
        for path in [config, secrets] where files.fileExists(atPath: path) {
            throw CommandFailure(message: "\(path) exists; init never overwrites a file", exitCode: .usage)
        }
        guard
            files.createFile(
                atPath: secrets, contents: Data(Self.secretsTemplate.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CommandFailure(message: "cannot write \(secrets)", exitCode: .failed) }
        guard
            files.createFile(
                atPath: config, contents: Data(Self.configTemplate.utf8), attributes: [.posixPermissions: 0o644])
        else { throw CommandFailure(message: "cannot write \(config)", exitCode: .failed) }
        print(
            """
            wrote \(config) and \(secrets) (mode 0600)
            next: uncomment a source in ledgersync.toml, put its secrets in secrets.env, then run
              \(CommandLineInvocation.current().prefix) sync\(dir == "." ? "" : " --config " + CommandLineInvocation.shellQuoted(config))
            """)
    }

    static let secretsTemplate = """
        # Secrets for ledgersync.toml's *_env keys, one NAME=value per line. Keep this file mode 0600; the
        # environment wins over it. Never commit it.
        # MR_ACCESS_KEY_ID=
        # MR_ACCESS_KEY_SECRET=
        # DMS_TOKEN=
        # TWCC_ACCOUNT=
        # TWCC_PASSWORD=
        # LEDGERSYNC_TOKEN=
        # LEDGER_DB_PASSWORD=

        """

    static let configTemplate = """
        # ledgersync.toml — written by `ledgersync init`. Every source is commented out: uncomment the ones you
        # have, name their accounts, and put their secrets in secrets.env (or the environment).
        secrets_file = "secrets.env"

        [store]
        path = "ledger.sqlite"          # relative to this file
        # Or a PostgreSQL database shared by several machines (instead of path; in this build sync, migrate,
        # query, export, check and verify --quick work on it; serve, backup and rebuild still need path):
        # url = "postgresql://ledger@db.internal:5432/ledger?sslmode=verify-full"
        # password_env = "LEDGER_DB_PASSWORD"   # in secrets.env or the environment (default PGPASSWORD)

        # [sync]
        # clock_skew_seconds = 300      # how far in the future a gmtModified may be

        # Alibaba Cloud ModelRouter department (client) balances.
        # [sources.modelrouter]
        # kind = "modelrouter"
        # base_url = "https://aicontent.aliyuncs.com"
        # discover = true               # list every client; or name them:
        # clients = [1001, 1002]        # or clients_file = "clients.txt", one id per line
        # access_key_id_env = "MR_ACCESS_KEY_ID"
        # access_key_secret_env = "MR_ACCESS_KEY_SECRET"
        # unit = "CNY"                  # the unit of amount balances

        # A DMS purchase API's customer credit (客户额度). It has no account list: name the customers.
        # [sources.dms]
        # kind = "dms_credit"
        # base_url = "https://dms.example.com"
        # orgs = [101, 102]             # or orgs_file = "orgs.txt"
        # org_type = 2
        # token_env = "DMS_TOKEN"       # sent as Authorization: Bearer …

        # Taiwan Computing Cloud project wallets (SU).
        # [sources.twcc]
        # kind = "twcc_wallet"
        # base_url = "https://apigateway.twcc.ai"
        # projects = ["MST000001"]      # their wallets are listed; or wallets = ["MST000001/W0001"]
        # account_env = "TWCC_ACCOUNT"
        # password_env = "TWCC_PASSWORD"

        # `ledgersync serve`: scheduled sync, JSON API, /metrics.
        # [serve]
        # listen = "127.0.0.1:8080"
        # sync_every = "15m"
        # token_env = "LEDGERSYNC_TOKEN" # required to listen beyond loopback

        # Backups `serve` takes: verified before the oldest beyond `keep` are removed (see `ledgersync backup`).
        # [backup]
        # dir = "backups"                 # relative to this file's directory
        # every = "1d"
        # keep = 7

        # Alerts, evaluated after every sync of serve, and by `ledgersync check --alerts`.
        # [[alerts]]
        # name = "low-balance"
        # kind = "balance_below"
        # unit = "CNY"
        # below = "1000.00"
        # [[alerts.webhook]]
        # url = "https://hooks.example.com/ledger"

        """
}
