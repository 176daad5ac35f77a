import Foundation
import LedgerCore
import LedgerSources
import TOMLKit

extension SyncConfiguration {
    /// Reads a TOML config file.
    ///
    /// - Parameters:
    ///   - path: The file (`./ledgersync.toml` by default in the CLI).
    ///   - environment: Where `*_env` keys are looked up; the process environment in the CLI.
    /// - Returns: The configuration with every secret resolved.
    /// - Throws: ``ConfigError`` naming the file, the key and what is wrong.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> SyncConfiguration {
        try load(path: path, environment: environment, section: "") { _ throws(ConfigError) in }.configuration
    }

    /// Reads a TOML config file and hands one of the tables another module owns (``ownedElsewhere``, such as
    /// `[serve]`) to `read`, with the same secrets and errors that name the file and key.
    /// - Parameters:
    ///   - section: The table's name; `read` gets `nil` when the file has none.
    /// - Throws: ``ConfigError``, from this file's tables or from `read`.
    public static func load<Section>(
        path: String, environment: [String: String], section: String,
        _ read: (ConfigSection?) throws(ConfigError) -> Section
    ) throws(ConfigError) -> (configuration: SyncConfiguration, section: Section) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let missing = !FileManager.default.fileExists(atPath: path)
            throw ConfigError(
                file: path, key: "",
                problem: missing
                    ? "no such file; `ledgersync init` writes a commented one to start from"
                    : "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", problem: "the file is not UTF-8 text")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, directory: directory, environment: environment, section: section, read)
    }

    /// Parses config text; relative paths are resolved against `directory`.
    /// - Throws: ``ConfigError``.
    public static func parse(
        _ text: String, file: String, directory: String, environment: [String: String]
    )
        throws(ConfigError) -> SyncConfiguration
    {
        try parse(text, file: file, directory: directory, environment: environment, section: "") {
            _ throws(ConfigError) in
        }.configuration
    }

    /// The tables of the config file that other modules read (`[serve]`: `ledgersync serve`'s settings). This
    /// parser accepts them and hands each to its owner; a command that does not use one leaves it unread.
    public static let ownedElsewhere = ["serve"]

    /// Parses config text and hands the table `section` (one of ``ownedElsewhere``) to `read`.
    /// - Throws: ``ConfigError``.
    public static func parse<Section>(
        _ text: String, file: String, directory: String, environment: [String: String], section: String,
        _ read: (ConfigSection?) throws(ConfigError) -> Section
    )
        throws(ConfigError) -> (configuration: SyncConfiguration, section: Section)
    {
        try checkTableHeaders(text, file: file)
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(
                file: file, key: "",
                problem:
                    "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)"
            )
        } catch {
            throw ConfigError(file: file, key: "", problem: "not valid TOML: \(error)")
        }
        let reader = TableReader(table: root, file: file, prefix: "")
        try reader.allowOnly(["store", "sync", "sources", "secrets_file", "alerts", "backup"] + ownedElsewhere)
        var secrets = environment
        if let secretsFile = try reader.optionalString("secrets_file") {
            let resolved = resolve(secretsFile, against: directory)
            for (name, value) in try readSecretsFile(resolved, configFile: file) where secrets[name] == nil {
                secrets[name] = value
            }
        }
        let store = try parseStore(
            reader, file: file, directory: directory, secrets: { () throws(ConfigError) in secrets })
        var skew = LedgerDefaults.clockSkewSeconds
        if let sync = try reader.optionalTable("sync") {
            try sync.allowOnly(["clock_skew_seconds"])
            skew = Int64(
                try sync.optionalInt("clock_skew_seconds", range: 0...86_400) ?? Int(LedgerDefaults.clockSkewSeconds))
        }
        guard reader.table["sources"] != nil else {
            throw ConfigError(
                file: file, key: "sources",
                problem: "no source is configured; add a [sources.NAME] table (the file `ledgersync init` writes has "
                    + "one example per kind, commented out)")
        }
        let sourcesTable = try reader.table("sources")
        var sources: [SourceConfiguration] = []
        for name in sourcesTable.table.keys.sorted() {
            sources.append(
                try SourceConfiguration.parse(
                    sourcesTable.table(name), name: name, secrets: secrets, directory: directory))
        }
        guard !sources.isEmpty else {
            throw ConfigError(
                file: file, key: "sources", problem: "no source is configured; add a [sources.NAME] table")
        }
        var configuration = SyncConfiguration(store: store, clockSkewSeconds: skew, sources: sources)
        configuration.alerts = try AlertRule.parseAll(reader, secrets: secrets)
        configuration.backup = try reader.optionalTable("backup").map { table throws(ConfigError) in
            try BackupSchedule.parse(table, directory: directory)
        }
        let owned = section.isEmpty ? nil : try reader.optionalTable(section)
        return (configuration, try read(owned.map { ConfigSection(reader: $0, secrets: secrets) }))
    }

    static func resolve(_ path: String, against directory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
    }

    /// Reads `NAME=value` lines from a secrets file that only its owner may read.
    static func readSecretsFile(_ path: String, configFile: String) throws(ConfigError) -> [String: String] {
        let key = "secrets_file"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int
        else { throw ConfigError(file: configFile, key: key, problem: "cannot read \(path)") }
        guard mode & 0o077 == 0 else {
            throw ConfigError(
                file: configFile, key: key,
                problem:
                    "\(path) is readable by group or others (mode \(String(mode, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: configFile, key: key, problem: "cannot read \(path) as UTF-8 text")
        }
        return try parseSecrets(text, path: path, configFile: configFile)
    }

    /// The `NAME=value` lines of a secrets file's text; blank lines and `#` comments are skipped.
    /// - Throws: ``ConfigError`` naming the line (never echoing it: it may hold a secret).
    static func parseSecrets(_ text: String, path: String, configFile: String) throws(ConfigError) -> [String: String] {
        let key = "secrets_file"
        var values: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                // The line is not echoed: it may be a secret.
                throw ConfigError(file: configFile, key: key, problem: "\(path) line \(number + 1) is not NAME=value")
            }
            values[String(trimmed[..<equals]).trimmingCharacters(in: .whitespaces)] =
                String(trimmed[trimmed.index(after: equals)...])
        }
        return values
    }
}

/// Typed access to one TOML table, with errors that name the file and the dotted key.
struct TableReader {
    let table: TOMLTable
    let file: String
    let prefix: String

    func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }
    func error(_ name: String, _ problem: String) -> ConfigError {
        ConfigError(file: file, key: key(name), problem: problem)
    }

    func allowOnly(_ names: [String]) throws(ConfigError) {
        for name in table.keys where !names.contains(name) {
            // The key is quoted in the problem too: it may be empty (`"" = 1`), which the dotted path cannot show.
            throw error(
                name, "unknown key \"\(name.prefix(40))\" (allowed here: \(names.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ name: String) throws(ConfigError) -> TableReader {
        guard let value = try optionalTable(name) else { throw error(name, "missing table [\(key(name))]") }
        return value
    }

    func optionalTable(_ name: String) throws(ConfigError) -> TableReader? {
        guard let value = table[name] else { return nil }
        guard let inner = value.table else { throw error(name, "expected a table, found \(value.type)") }
        return TableReader(table: inner, file: file, prefix: key(name))
    }

    func string(_ name: String) throws(ConfigError) -> String {
        guard let value = try optionalString(name) else { throw error(name, "missing (a string is required)") }
        return value
    }

    func optionalString(_ name: String) throws(ConfigError) -> String? {
        guard let value = table[name] else { return nil }
        guard let string = value.string else { throw error(name, "expected a string, found \(value.type)") }
        return string
    }

    func optionalBool(_ name: String) throws(ConfigError) -> Bool? {
        guard let value = table[name] else { return nil }
        guard let flag = value.bool else { throw error(name, "expected true or false, found \(value.type)") }
        return flag
    }

    func optionalInt(_ name: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = table[name] else { return nil }
        guard let number = value.int else { throw error(name, "expected an integer, found \(value.type)") }
        guard range.contains(number) else {
            throw error(name, "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func optionalIntArray(_ name: String) throws(ConfigError) -> [Int64]? {
        guard let value = table[name] else { return nil }
        guard let array = value.array else { throw error(name, "expected an array of integers, found \(value.type)") }
        var numbers: [Int64] = []
        for (index, element) in array.enumerated() {
            guard let number = element.int, number >= 0 else {
                throw error("\(name)[\(index)]", "expected a non-negative integer")
            }
            numbers.append(Int64(number))
        }
        return numbers
    }

    /// Calls `body` with each entry of the list file named by `name` (relative to the config's directory), if the
    /// key is set: one entry per line, blank lines and `#` comments skipped, the place given as `path line N`.
    /// - Throws: ``ConfigError`` naming the key when the file cannot be read, or what `body` throws.
    func forEachListLine(
        _ name: String, directory: String, _ body: (String, String) throws(ConfigError) -> Void
    ) throws(ConfigError) {
        guard let file = try optionalString(name) else { return }
        let path = SyncConfiguration.resolve(file, against: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw error(name, "cannot read \(path) (does it exist?)")
        }
        var number = 0
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            let line = data[start..<end]
            start = end < data.endIndex ? end + 1 : end
            number += 1
            guard let text = String(bytes: line, encoding: .utf8) else {
                throw error(name, "\(path) line \(number) is not UTF-8 text")
            }
            let entry = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            try body(entry, "\(path) line \(number)")
        }
    }

    func optionalStringArray(_ name: String) throws(ConfigError) -> [String]? {
        guard let value = table[name] else { return nil }
        guard let array = value.array else { throw error(name, "expected an array of strings, found \(value.type)") }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.string, !string.isEmpty else {
                throw error("\(name)[\(index)]", "expected a non-empty string")
            }
            strings.append(string)
        }
        return strings
    }
}

/// A table of the config file that another module reads (``SyncConfiguration/ownedElsewhere``): typed access whose
/// errors name the file and the dotted key, and the secrets (environment, then the secrets file) its `*_env` keys
/// name.
public struct ConfigSection {
    let reader: TableReader
    let secrets: [String: String]

    /// Refuses any key but `names`.
    public func allowOnly(_ names: [String]) throws(ConfigError) { try reader.allowOnly(names) }

    /// A string value, if the key is set.
    public func optionalString(_ name: String) throws(ConfigError) -> String? { try reader.optionalString(name) }

    /// An integer value within `range`, if the key is set.
    public func optionalInt(_ name: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        try reader.optionalInt(name, range: range)
    }

    /// The secret an `*_env` key names, from the environment or the secrets file; `nil` when neither has it.
    public func secret(named name: String) -> String? { secrets[name] }

    /// An error about key `name` of this table.
    public func error(_ name: String, _ problem: String) -> ConfigError { reader.error(name, problem) }
}
