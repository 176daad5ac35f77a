import ArgumentParser

/// `ledgersync`: keeps a local, offline SQLite ledger of balances from ModelRouter, DMS credit and TWCC wallets.
struct LedgerSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgersync",
        abstract: "Keep a local, offline ledger of balances from ModelRouter, DMS credit and TWCC wallets.",
        discussion: LedgerExitCode.help,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, SyncCommand.self, QueryCommand.self, ExportCommand.self, CheckCommand.self,
            RebuildCommand.self, BackupCommand.self, RestoreCommand.self, VerifyCommand.self,
            MigrateCommand.self, ServeCommand.self, DemoCommand.self,
        ]
    )
}
