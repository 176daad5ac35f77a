import LedgerCore
import Testing

@Suite("Exact JSON")
struct JSONValueTests {
    @Test("Numbers keep their token text")
    func numbersKeepText() throws {
        let value = try JSONValue.parse(#"{"balance": 100.10, "big": 12345678901234567890.123, "e": -1.5E+3}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object["balance"] == .number("100.10"))
        #expect(object["big"] == .number("12345678901234567890.123"))
        #expect(object["e"] == .number("-1.5E+3"))
        #expect(object.keys == ["balance", "big", "e"])
    }

    @Test("Strings: escapes, surrogate pairs and CJK")
    func strings() throws {
        let value = try JSONValue.parse(#"["\u672a\u8ba4\u8bc1", "9 天", "\ud83d\ude00", "a\"b\\c\/d\n"]"#)
        #expect(value == .array([.string("未认证"), .string("9 天"), .string("😀"), .string("a\"b\\c/d\n")]))
    }

    @Test(
        "Malformed documents are refused with an offset",
        arguments: [
            "", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "tru", "nul", "\"abc", "\"\\x\"",
            "\"\\ud83d\"", "\"\\ude00\"", "[1] 2", "{\"a\":1,\"a\":2}", "'a'", "\"tab\there\"", "{a:1}", "NaN",
            // Found by the json-diff fuzz target: Foundation accepts both (it stops at a NUL, and allows a comma
            // before a closing bracket); RFC 8259 and LedgerSync do not.
            "1\0\0\0\0", "[21,]",
        ])
    func refusesMalformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("Invalid UTF-8 inside a string is refused")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
        #expect(error?.reason.contains("UTF-8") == true)
    }

    @Test("Invalid UTF-8 after an escape is refused at the run that holds it")
    func invalidUTF8AfterEscape() throws {
        let prefix = Array(#"["ok\n"#.utf8)
        let bytes: [UInt8] = prefix + [0xE6, 0x9C] + Array(#""]"#.utf8)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
        #expect(error?.offset == prefix.count)
        // An overlong encoding and an encoded surrogate are not UTF-8 either.
        for invalid: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            #expect(throws: JSONParseError.self) {
                try JSONValue.parse(Array(#"""#.utf8) + invalid + Array(#"""#.utf8))
            }
        }
    }

    @Test("Random strings with escapes between runs survive writing then parsing")
    func randomStrings() throws {
        var generator = SystemRandomNumberGenerator()
        let pool: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "未", "认",
            "😀", "\u{FEFF}", "\u{7F}",
        ]
        for _ in 0..<2_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &generator) {
                text.append(pool.randomElement(using: &generator)!)
            }
            let string = String(text)
            let document = JSONValue.array([.string(string), .object(JSONObject([(key: string, value: .null)]))])
            let parsed = try JSONValue.parse(document.jsonText)
            #expect(parsed == document, "\(document.jsonText)")
            guard case .array(let elements) = parsed, case .object(let object) = elements[1] else {
                Issue.record("not an array holding an object")
                continue
            }
            #expect(object[string] == .null)
        }
    }

    @Test("Deep nesting stops at the limit instead of exhausting the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        #expect(error?.reason.contains("nesting") == true)
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
    }

    @Test("Writing then parsing gives the same value")
    func roundTrip() throws {
        let text = #"{"a":[1,-2.50,3e5,true,false,null],"b":"未认证\u0001\"","c":{}}"#
        let value = try JSONValue.parse(text)
        #expect(try JSONValue.parse(value.jsonText) == value)
        #expect(value.jsonText == #"{"a":[1,-2.50,3e5,true,false,null],"b":"未认证\u0001\"","c":{}}"#)
    }

    @Test("A byte order mark at the start is tolerated")
    func byteOrderMark() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.number("1")]))
    }
}
