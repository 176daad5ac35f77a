import LedgerCore
import LedgerSources

/// One source table of the config with what reading its kind's keys needs: the secrets and the config's directory
/// (for `*_file` lists). The kinds' ``SourceSettings`` read it.
struct SourceTable: SourceSettingsReader {
    let table: TableReader
    let secrets: [String: String]
    let directory: String

    func optionalString(_ key: String) throws(ConfigError) -> String? {
        try table.optionalString(key)
    }

    func optionalInt(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        try table.optionalInt(key, range: range)
    }

    func error(_ key: String, _ problem: String) -> ConfigError {
        table.error(key, problem)
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
