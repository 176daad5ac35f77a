import LedgerCore
import LedgerSources

extension SourceConfiguration {
    /// The keys every source table may have; each kind adds its own (``SourceTable/kindKeys(_:)``).
    static let commonKeys = ["kind", "base_url", "unit", "discover", "concurrency", "requests_per_second",
        "timeout_seconds", "max_response_bytes", "max_attempts"]

    /// Reads one `[sources.NAME]` table: the keys every source has, then its kind's accounts and credentials.
    static func parse(_ table: TableReader, name: String, secrets: [String: String], directory: String)
        throws(ConfigError) -> SourceConfiguration
    {
        let kindText = try table.string("kind")
        guard let kind = SourceKind(rawValue: kindText) else {
            throw table.error("kind", "\"\(kindText)\" is not a source kind; use modelrouter, dms_credit or twcc_wallet")
        }
        try table.allowOnly(commonKeys + SourceTable.kindKeys(kind))
        let baseURL: BaseURL
        do {
            baseURL = try BaseURL(try table.string("base_url"), source: name)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw table.error("base_url", (error as? SourceError)?.message ?? "\(error)")
        }
        let unit: MoneyUnit
        do {
            unit = try MoneyUnit(try table.optionalString("unit") ?? (kind == .twccWallet ? "SU" : "CNY"))
        } catch let error as ConfigError {
            throw error
        } catch {
            throw table.error("unit", "\(error)")
        }
        let source = SourceTable(table: table, secrets: secrets, directory: directory)
        let part = switch kind {
        case .modelRouter: try source.modelRouter()
        case .dmsCredit: try source.dmsCredit()
        case .twccWallet: try source.twccWallet()
        }
        let discover = try table.optionalBool("discover") ?? (kind != .dmsCredit)
        if discover, kind == .dmsCredit {
            throw table.error("discover", "the DMS credit API has no account list; name customers in orgs")
        }
        if part.accounts.isEmpty, !discover || (kind == .twccWallet && part.projects.isEmpty) {
            throw table.error(
                part.accountsKey,
                "no account to read: list some (here or in a file named by the _file key), or set discover = true"
                    + (kind == .twccWallet ? " with projects" : ""))
        }
        return SourceConfiguration(
            name: name, kind: kind, baseURL: baseURL, unit: unit, discover: discover, accounts: part.accounts,
            projects: part.projects, credentials: part.credentials, limits: try limits(table))
    }

    /// The source's limits: each key's default is ``SourceLimits``' own.
    static func limits(_ table: TableReader) throws(ConfigError) -> SourceLimits {
        let defaults = SourceLimits()
        return SourceLimits(
            concurrency: try table.optionalInt("concurrency", range: 1...256) ?? defaults.concurrency,
            requestsPerSecond: try table.optionalInt("requests_per_second", range: 1...100_000),
            requestTimeout: try table.optionalInt("timeout_seconds", range: 1...600).map { .seconds($0) }
                ?? defaults.requestTimeout,
            maximumBodyBytes: try table.optionalInt("max_response_bytes", range: 1024...1 << 30)
                ?? defaults.maximumBodyBytes,
            retry: RetryPolicy(
                maximumAttempts: try table.optionalInt("max_attempts", range: 1...10)
                    ?? defaults.retry.maximumAttempts))
    }
}
