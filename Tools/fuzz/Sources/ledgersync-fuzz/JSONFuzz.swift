import Foundation
import LedgerCore

/// The exact-number JSON reader that every source payload goes through.
enum JSONFuzz {
    /// Whatever is accepted round-trips through the writer, and every number token is kept byte for byte.
    static func run(_ bytes: [UInt8]) {
        guard let value = try? JSONValue.parse(bytes) else { return }
        let text = value.jsonText
        guard let again = try? JSONValue.parse(Array(text.utf8)) else { fail("the writer's output does not parse") }
        require(again == value, "writing and reading back changed the value")
        require(again.jsonText == text, "writing is not stable")
        let tokens = numberTokens(value)
        let scanned = scanNumberTokens(bytes)
        require(tokens == scanned, "number tokens \(tokens.prefix(5)) differ from the input's \(scanned.prefix(5))")
    }

    /// Against Foundation's JSONSerialization: the same documents accepted and refused, but for the differences
    /// LedgerSync makes on purpose:
    /// - a duplicate key in an object is refused (Foundation keeps the last): a payload that says two things is
    ///   not guessed at;
    /// - nesting deeper than ``JSONValue/defaultMaximumDepth`` is refused: no source payload nests that deep;
    /// - a number of any size is accepted and kept as its text (Foundation refuses what a Double cannot hold):
    ///   amounts are read exactly from the token, or refused by the amount reader with a reason;
    /// - a string must be valid UTF-8 with well-formed escapes; unpaired surrogate escapes are refused;
    /// - a NUL byte outside a string is an error like any other byte (Foundation ignores what follows one:
    ///   `1\0\0` is the number 1 to it, found by this target);
    /// - a comma before `]` or `}` is refused, as RFC 8259 says (Foundation accepts `[21,]`, found by this target).
    static func differential(_ bytes: [UInt8]) {
        let ours = Result { () throws(JSONParseError) -> JSONValue in try JSONValue.parse(bytes) }
        let theirs = Result { try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) }
        switch (ours, theirs) {
        case (.success, .success), (.failure, .failure):
            return
        case (.failure(let error), .success):
            if bytes.contains(0) || hasTrailingComma(bytes) { return }
            let reason = error.reason
            if reason.hasPrefix("duplicate key") || reason.hasPrefix("nesting deeper") || reason.contains("surrogate") {
                return
            }
            fail("LedgerSync refuses what Foundation accepts: \(error)")
        case (.success(let value), .failure(let error)):
            if hasNumberBeyondDouble(value) { return }
            fail("LedgerSync accepts what Foundation refuses (\(error))")
        }
    }

    /// The number tokens of a value in document order.
    static func numberTokens(_ value: JSONValue) -> [String] {
        switch value {
        case .number(let token): [token]
        case .array(let elements): elements.flatMap(numberTokens)
        case .object(let object): object.members.flatMap { numberTokens($0.value) }
        case .null, .bool, .string: []
        }
    }

    /// The number tokens of a JSON text, found without the parser: maximal runs of number characters outside
    /// strings.
    static func scanNumberTokens(_ bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index = afterString(bytes, from: index) + 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let start = index
                while index < bytes.count, Array("0123456789+-.eE".utf8).contains(bytes[index]) { index += 1 }
                tokens.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                index += 1
            }
        }
        return tokens
    }

    /// Whether a comma outside strings is followed, after white space, by `]` or `}`.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var index = 0
        var lastSignificant: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index = afterString(bytes, from: index)
                lastSignificant = UInt8(ascii: "\"")
            } else if ![0x20, 0x0A, 0x0D, 0x09].contains(byte) {
                if (byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")) && lastSignificant == UInt8(ascii: ",") {
                    return true
                }
                lastSignificant = byte
            }
            index += 1
        }
        return false
    }

    /// The index of the quote that closes the string opening at `start` (or the end of the bytes).
    static func afterString(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return index
    }

    static func hasNumberBeyondDouble(_ value: JSONValue) -> Bool {
        numberTokens(value).contains { token in
            guard let double = Double(token) else { return true }
            return !double.isFinite || (double == 0 && token.contains(where: { ("1"..."9").contains($0) }))
                || token.count > 17
        }
    }
}
