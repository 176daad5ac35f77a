import Foundation
import LedgerSources
import TOMLKit

extension SyncConfiguration {
    /// The ledger path a config file names (`[store] path`, resolved against the file's directory), read without
    /// resolving any secret: what the commands that only read the ledger need from `--config`.
    /// - Throws: ``ConfigError`` naming the file and the key.
    public static func storePath(configFile path: String) throws(ConfigError) -> String {
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
        let store = try TableReader(table: root, file: path, prefix: "").table("store")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return resolve(try store.string("path"), against: directory)
    }
}
