import LedgerCore
import LedgerSources

/// One source table of the config with what reading its kind's keys needs: the secrets and the config's directory
/// (for `*_file` lists).
struct SourceTable {
    let table: TableReader
    let secrets: [String: String]
    let directory: String

    /// What a kind's keys give: its accounts, projects to discover (TWCC) and credentials.
    struct KindPart {
        var accounts: AccountList
        var projects: [String] = []
        var credentials: SourceCredentials
        /// The key that names accounts, for the error when there are none.
        var accountsKey: String
    }

    /// The keys a kind adds to ``SourceConfiguration/commonKeys``.
    static func kindKeys(_ kind: SourceKind) -> [String] {
        switch kind {
        case .modelRouter: ["clients", "clients_file", "access_key_id_env", "access_key_secret_env"]
        case .dmsCredit: ["orgs", "orgs_file", "org_type", "token_env", "token_header", "token_prefix", "token_query"]
        case .twccWallet: ["wallets", "wallets_file", "projects", "projects_file", "account_env", "password_env",
            "api_key_env", "api_host", "token_path"]
        }
    }

    func modelRouter() throws(ConfigError) -> KindPart {
        KindPart(
            accounts: AccountList(modelRouterClients: try ids("clients")),
            credentials: .modelRouter(
                accessKeyID: try secret("access_key_id_env").reveal(), accessKeySecret: try secret("access_key_secret_env")),
            accountsKey: "clients")
    }

    func dmsCredit() throws(ConfigError) -> KindPart {
        let orgType = Int64(try table.optionalInt("org_type", range: 0...1_000_000) ?? 2)
        let accounts = AccountList(dmsOrgs: try ids("orgs"), orgType: orgType)
        let credentials: SourceCredentials
        if try table.optionalString("token_env") == nil {
            credentials = .dms(.none)
        } else if let query = try table.optionalString("token_query") {
            credentials = .dms(.query(name: query, value: try secret("token_env")))
        } else {
            let header = try table.optionalString("token_header") ?? "Authorization"
            let prefix = try table.optionalString("token_prefix") ?? (header.lowercased() == "authorization" ? "Bearer " : "")
            credentials = .dms(.header(name: header, value: Secret(prefix + (try secret("token_env")).reveal())))
        }
        return KindPart(accounts: accounts, credentials: credentials, accountsKey: "orgs")
    }

    func twccWallet() throws(ConfigError) -> KindPart {
        var wallets: [AccountKey] = []
        for (text, place) in try strings("wallets") {
            guard let key = AccountKey(text, kind: .twccWallet) else {
                throw table.error(
                    place == nil ? "wallets" : "wallets_file",
                    (place.map { "\($0): " } ?? "") + "\"\(text)\" is not PRJ_SYS_CODE/WALLET_CODE")
            }
            wallets.append(key)
        }
        let credentials: SourceCredentials
        if try table.optionalString("api_key_env") != nil {
            credentials = .twcc(.apiKey(key: try secret("api_key_env"), host: try table.optionalString("api_host") ?? ""))
        } else {
            credentials = .twcc(.token(
                account: try secret("account_env").reveal(), password: try secret("password_env"),
                tokenPath: try table.optionalString("token_path") ?? "/api/token"))
        }
        return KindPart(
            accounts: AccountList(wallets), projects: try strings("projects").map(\.text), credentials: credentials,
            accountsKey: "wallets")
    }

    /// A secret named by an `*_env` key: from the environment, else the secrets file.
    func secret(_ key: String) throws(ConfigError) -> Secret {
        let variable = try table.string(key)
        guard let value = secrets[variable], !value.isEmpty else {
            throw table.error(key, "the environment variable \(variable) is not set (nor in the secrets file)")
        }
        return Secret(value)
    }

    /// Ids from a key and its `*_file`. Long lists belong in the file (one entry per line): the TOML parser holds
    /// a whole inline list as nodes.
    func ids(_ key: String) throws(ConfigError) -> [Int64] {
        var ids = try table.optionalIntArray(key) ?? []
        try table.forEachListLine(key + "_file", directory: directory) { text, place throws(ConfigError) in
            guard let id = Int64(text), id >= 0 else {
                throw table.error(key + "_file", "\(place): \"\(text.prefix(40))\" is not a non-negative integer")
            }
            ids.append(id)
        }
        return ids
    }

    /// Texts from a key and its `*_file`, with the file line of each one that came from the file.
    func strings(_ key: String) throws(ConfigError) -> [(text: String, place: String?)] {
        var strings = (try table.optionalStringArray(key) ?? []).map { (text: $0, place: String?.none) }
        try table.forEachListLine(key + "_file", directory: directory) { text, place throws(ConfigError) in
            strings.append((text, place))
        }
        return strings
    }
}
