import LedgerCore
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
        var out: [UInt8] = []
        writeCSV(zone: zone, excel: excel, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``csv(zone:excel:)``'s UTF-8 bytes to `out`: an export writes its files from these, with no `String`
    /// of the whole file in between.
    /// - Parameter header: Start with the byte-order mark (Excel) and the header line; `false` for the rows of a
    ///   later chunk of the same file.
    public func writeCSV(zone: DisplayZone = .utc, excel: Bool = false, header: Bool = true, to out: inout [UInt8]) {
        let newline: [UInt8] = excel ? [13, 10] : [10]
        if header {
            if excel { out.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
            for (position, column) in columns.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                CSV.appendField(column.name, isText: true, to: &out)
            }
            out.append(contentsOf: newline)
        }
        for row in rows {
            for (position, cell) in row.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                switch cell {
                case .null: break
                case .amount(let value, let unit): value.appendText(scale: scales.scale(of: value, in: unit), to: &out)
                case .integer(let value): appendDecimal(value, to: &out)
                case .number(let value): CSV.appendField(value, isText: false, to: &out)
                case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
                case .instant(let value): out.append(contentsOf: zone.format(value).utf8)
                case .text(let value): CSV.appendField(value, isText: true, to: &out)
                }
            }
            out.append(contentsOf: newline)
        }
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

    /// Appends ``field(_:isText:)``'s UTF-8 bytes to `out`.
    ///
    /// Most fields need neither quotes nor a neutralising `'`: when no byte of the text is a comma, quote, CR or LF,
    /// and it neither starts with a formula character or a space nor ends with a space, the text's bytes are the
    /// field. (Those are all ASCII bytes, which UTF-8 never uses inside a longer character; any other text goes
    /// through ``field(_:isText:)``, so the two give the same bytes.)
    public static func appendField(_ value: String, isText: Bool, to out: inout [UInt8]) {
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return true }
            if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") { return false }
            if isText, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9].contains(first) {
                return false
            }
            return !bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        }
        // A string without contiguous UTF-8 (bridged) takes the general path too.
        if plain == true {
            out.append(contentsOf: value.utf8)
        } else {
            out.append(contentsOf: field(value, isText: isText).utf8)
        }
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
