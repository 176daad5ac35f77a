import Foundation

extension SyncConfiguration {
    /// Refuses a table header whose name does not start with a key character, naming its line.
    ///
    /// toml++ (the parser inside TOMLKit 0.6.0) assumes that the character after `[` or `[[` starts a key, and
    /// goes on with undefined behaviour when it does not (an assertion in a debug build; found by the `config` fuzz
    /// target with `[` followed by U+FFFD). LedgerSync checks before handing the text over. Lines inside a
    /// multi-line string are not headers and are skipped.
    /// - Throws: ``ConfigError`` naming the line.
    static func checkTableHeaders(_ text: String, file: String) throws(ConfigError) {
        var inMultilineString = false
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // A line with an odd number of triple quotes opens or closes a multi-line string.
            let delimiters = line.components(separatedBy: "\"\"\"").count - 1 + line.components(separatedBy: "'''").count - 1
            defer { if delimiters % 2 == 1 { inMultilineString.toggle() } }
            guard !inMultilineString else { continue }
            var rest = line.drop { $0 == " " || $0 == "\t" }
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.unicodeScalars.first else { continue }
            let startsKey = (first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first)))
                || "_-\"'].".unicodeScalars.contains(first)
            guard startsKey else {
                throw ConfigError(
                    file: file, key: "",
                    problem: "line \(number + 1): a table header must start with a name, such as [sources.mr]")
            }
        }
    }
}
