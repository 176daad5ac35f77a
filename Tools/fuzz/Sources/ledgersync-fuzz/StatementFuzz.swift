import LedgerCore
import LedgerReports

/// Statement CSV files for `export --statement`: every data line is either read, with an amount that is exact and
/// round-trips, or listed as malformed with its number; errors name the file's line or the header.
enum StatementFuzz {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let file = try StatementFile.parse(text, name: "fuzz.csv", zone: .utc)
            let numbers = file.lines.map(\.lineNumber) + file.malformed.map(\.lineNumber)
            require(Set(numbers).count == numbers.count, "a line both read and malformed, or read twice")
            require(numbers.allSatisfy { $0 >= 2 }, "a data line numbered before the header")
            for line in file.lines {
                require(
                    (try? FixedDecimal(parsing: line.amount.description)) == line.amount,
                    "amount \(line.amount) does not round-trip")
                require(!line.source.isEmpty && !line.account.isEmpty && !line.unit.isEmpty, "an empty key field")
            }
            for entry in file.malformed { require(!entry.reason.isEmpty, "a malformed line without a reason") }
        } catch {
            require(
                error.argument.contains("line") || error.argument == "--statement",
                "an error that names neither a line nor the file: \(error)")
        }
    }
}
