extension JSONValue {
    /// Appends a JSON string literal as UTF-8 bytes: the same bytes ``writeString(_:to:)`` appends to a string.
    ///
    /// Lists of many rows are written into one byte buffer: appending bytes is several times cheaper than
    /// appending to a `String`, which re-checks its storage and counts on every append.
    public static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2
        }) {
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        // Rare: something to escape. The string writer's rules, once, then its bytes.
        var escaped = ""
        writeString(text, to: &escaped)
        output.append(contentsOf: escaped.utf8.dropFirst())
    }
}
