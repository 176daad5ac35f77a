import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSources
import LedgerStore
import TOMLKit

/// Where a ledger is: a SQLite file (the embedded default) or a PostgreSQL database (the shared ledger).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file: `[store] path` or `--db`.
    case sqlite(path: String)
    /// A PostgreSQL database: `[store] url` or `--store-url`.
    case postgres(PostgresLocation)

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// The environment variable that holds a PostgreSQL password when `[store] password_env` names none (libpq's).
    public static let defaultPasswordVariable = "PGPASSWORD"

    /// A PostgreSQL location from a URL, its password from `secrets[passwordVariable]` when there is one.
    /// - Throws: ``ConfigError`` naming `key` in `file` (the option, or the config file) and the part that is wrong.
    public static func postgres(
        url: String, passwordVariable: String = defaultPasswordVariable, secrets: [String: String], file: String,
        key: String
    ) throws(ConfigError) -> StoreLocation {
        do {
            let password = secrets[passwordVariable].flatMap { $0.isEmpty ? nil : Secret($0) }
            return .postgres(try PostgresLocation(url: url, password: password))
        } catch {
            throw ConfigError(file: file, key: key, problem: error.description)
        }
    }
}

extension SyncConfiguration {
    /// The ledger a config file names, read without resolving any source's secret: `[store] path` (resolved
    /// against the file's directory) or `[store] url` with its password from the environment or the secrets file
    /// (`[store] password_env`, `PGPASSWORD` by default).
    /// - Throws: ``ConfigError`` naming the file and the key.
    public static func storeLocation(
        configFile path: String, environment: [String: String]
    ) throws(ConfigError) -> StoreLocation {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: path, key: "", problem: "cannot read the file (does it exist?)")
        }
        try checkTableHeaders(text, file: path)
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch {
            throw ConfigError(file: path, key: "", problem: "not valid TOML: \(error)")
        }
        let reader = TableReader(table: root, file: path, prefix: "")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parseStore(reader, file: path, directory: directory) { () throws(ConfigError) in
            var secrets = environment
            if let secretsFile = try reader.optionalString("secrets_file") {
                for (name, value) in try readSecretsFile(resolve(secretsFile, against: directory), configFile: path)
                where secrets[name] == nil {
                    secrets[name] = value
                }
            }
            return secrets
        }
    }

    /// The `[store]` table: `path`, or `url` (and `password_env`); one of the two.
    /// - Parameter secrets: The environment and the secrets file, read only for a URL.
    static func parseStore(
        _ root: TableReader, file: String, directory: String,
        secrets: () throws(ConfigError) -> [String: String]
    ) throws(ConfigError) -> StoreLocation {
        let store = try root.table("store")
        try store.allowOnly(["path", "url", "password_env"])
        let path = try store.optionalString("path")
        let url = try store.optionalString("url")
        switch (path, url) {
        case (let path?, nil):
            if try store.optionalString("password_env") != nil {
                throw ConfigError(
                    file: file, key: "store.password_env", problem: "is for a PostgreSQL store ([store] url) only")
            }
            return .sqlite(path: resolve(path, against: directory))
        case (nil, let url?):
            return try StoreLocation.postgres(
                url: url,
                passwordVariable: try store.optionalString("password_env") ?? StoreLocation.defaultPasswordVariable,
                secrets: try secrets(), file: file, key: "store.url")
        case (_?, _?):
            throw ConfigError(
                file: file, key: "store",
                problem: "has both path (a SQLite file) and url (a PostgreSQL database); keep the one that is the "
                    + "ledger")
        case (nil, nil):
            throw ConfigError(
                file: file, key: "store",
                problem: "names no ledger: give path = \"ledger.sqlite\" (SQLite) or url = "
                    + "\"postgresql://user@host:5432/database\" (PostgreSQL)")
        }
    }
}
