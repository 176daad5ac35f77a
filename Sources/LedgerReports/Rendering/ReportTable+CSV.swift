extension ReportTable {
    /// RFC 4180 CSV: a header line, then one record per row.
    ///
    /// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
    /// return) get a leading `'`; numbers and amounts never do, so a negative amount stays a number.
    /// - Parameters:
    ///   - zone: The zone times are written in.
    ///   - excel: Start with a UTF-8 byte-order mark and end lines with CRLF, so Excel reads Chinese text right.
    /// - Returns: The CSV text.
    public func csv(zone: DisplayZone = .utc, excel: Bool = false) -> String {
        let newline = excel ? "\r\n" : "\n"
        var output = excel ? "\u{FEFF}" : ""
        output += columns.map { CSV.field($0.name, isText: true) }.joined(separator: ",") + newline
        for row in rows {
            output +=
                row.map { cell in
                    switch cell {
                    case .null: ""
                    case .amount(let value, let unit): scales.text(value, in: unit)
                    case .integer(let value): String(value)
                    case .number(let value): CSV.field(value, isText: false)
                    case .bool(let value): value ? "true" : "false"
                    case .instant(let value): zone.format(value)
                    case .text(let value): CSV.field(value, isText: true)
                    }
                }.joined(separator: ",") + newline
        }
        return output
    }
}

/// CSV field rules shared by every CSV LedgerSync writes.
public enum CSV {
    /// One field: neutralised if it is text a spreadsheet would run as a formula, quoted if it needs quotes.
    /// - Parameters:
    ///   - value: The field's text.
    ///   - isText: Whether the value is free text (numbers are never neutralised).
    /// - Returns: The field as it goes between commas.
    public static func field(_ value: String, isText: Bool) -> String {
        var text = value
        if isText, let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        let needsQuotes =
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes and newlines).
    /// - Returns: The records with the line each starts on (1-based), or the line of an unterminated quote.
    public static func parse(_ text: String) -> Result<[(line: Int, fields: [String])], CSVParseError> {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && !fieldStarted {
                inQuotes = true
                fieldStarted = true
            } else if scalar == "," {
                fields.append(field)
                field = ""
                fieldStarted = false
            } else if scalar == "\n" || scalar == "\r" {
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                fields.append(field)
                if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
                fields = []
                field = ""
                fieldStarted = false
                line += 1
                recordLine = line
            } else {
                field.unicodeScalars.append(scalar)
                fieldStarted = true
            }
            index += 1
        }
        if inQuotes { return .failure(CSVParseError(line: recordLine, reason: "a quoted field is never closed")) }
        if fieldStarted || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return .success(records)
    }
}

/// CSV text that cannot be split into records.
public struct CSVParseError: Error, Sendable, Equatable {
    /// The line of the file.
    public let line: Int
    /// What is wrong with it.
    public let reason: String
}
