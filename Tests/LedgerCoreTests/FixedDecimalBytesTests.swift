import LedgerCore
import LedgerSimulator
import Testing

@Suite("Amounts and integers written as bytes")
struct FixedDecimalBytesTests {
    /// Values at the edges: zero, the smallest fraction, negatives below one, the largest and smallest values.
    static let edges: [FixedDecimal] = [
        .zero, try! FixedDecimal(parsing: "0.000000001"), try! FixedDecimal(parsing: "-0.5"),
        try! FixedDecimal(parsing: "-0.000000001"), try! FixedDecimal(parsing: "100"),
        try! FixedDecimal(parsing: "9223372036854775807.999999999"),
        try! FixedDecimal(parsing: "-9223372036854775808.999999999"), try! FixedDecimal(parsing: "42290.49"),
    ]

    @Test("The bytes are formatted(scale:)'s text, for every scale, at the edges and for random values")
    func sameAsText() throws {
        var generator = SplitMix64(seed: 0xB17E5)
        var values = Self.edges
        for _ in 0..<5_000 {
            let whole = Int64(bitPattern: generator.next()) >> Int64(generator.next(in: 0...63))
            let nanos =
                Int64(generator.next(in: 0...999_999_999))
                / [1, 10, 1000, 100_000, 1_000_000_000][
                    generator.next(in: 0...4)]
            values.append(try FixedDecimal(whole: whole, nanos: whole < 0 ? -nanos : nanos))
        }
        for value in values {
            for scale in -1...10 {
                var bytes: [UInt8] = Array("x".utf8)
                value.appendText(scale: scale, to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == "x" + value.formatted(scale: scale))
            }
        }
    }

    @Test("Integers are String(value)'s digits, Int64.min and zero included")
    func integers() {
        var generator = SplitMix64(seed: 7)
        let values: [Int64] =
            [0, 1, -1, 9, 10, .max, .min] + (0..<1_000).map { _ in Int64(bitPattern: generator.next()) }
        for value in values {
            var bytes: [UInt8] = []
            appendDecimal(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }
}
