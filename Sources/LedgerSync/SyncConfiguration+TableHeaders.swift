import LedgerSources
extension SyncConfiguration {
    /// Refuses a table header whose name does not start with a key character, naming its line.
    ///
    /// toml++ (the parser inside TOMLKit 0.6.0) assumes that the character after `[` or `[[` starts a key, and
    /// goes on with undefined behaviour when it does not (an assertion in a debug build; found by the `config` fuzz
    /// target, first with `[` followed by U+FFFD). LedgerSync checks before handing the text over. The check reads
    /// Unicode scalars, as toml++ does, not Swift characters (`[` and a combining mark are one character). Lines
    /// inside a multi-line string are not headers and are skipped.
    /// - Throws: ``ConfigError`` naming the line.
    static func checkTableHeaders(_ text: String, file: String) throws(ConfigError) {
        var inMultilineString = false
        for (number, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        {
            // A line with an odd number of triple quotes opens or closes a multi-line string.
            let delimiters = tripleQuotes(in: line)
            defer { if delimiters % 2 == 1 { inMultilineString.toggle() } }
            guard !inMultilineString else { continue }
            // toml++ skips a byte order mark at the start of the text.
            var rest = line.drop { $0 == " " || $0 == "\t" || (number == 0 && $0 == "\u{FEFF}") }
            guard rest.first == "[" else { continue }
            rest = rest.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            // A key starts with an ASCII letter, digit, '_' or '-', or a quote; ']' is toml++'s own "blank key"
            // error. Nothing at all (the line ends after the bracket) is no name either.
            let startsKey =
                rest.first.map { first in
                    (first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first)))
                        || "_-\"']".unicodeScalars.contains(first)
                } ?? false
            guard startsKey else {
                throw ConfigError(
                    file: file, key: "",
                    problem: "line \(number + 1): a table header must start with a name, such as [sources.mr]")
            }
        }
    }

    /// How many `"""` or `'''` runs a line holds.
    private static func tripleQuotes(in line: Substring.UnicodeScalarView.SubSequence) -> Int {
        var count = 0
        var run: (scalar: Unicode.Scalar, length: Int)?
        for scalar in line {
            if scalar == "\"" || scalar == "'" {
                run = run?.scalar == scalar ? (scalar, run!.length + 1) : (scalar, 1)
                if run!.length == 3 {
                    count += 1
                    run = nil
                }
            } else {
                run = nil
            }
        }
        return count
    }
}
