import LedgerCore
import LedgerSimulator
import Testing

@Suite("Exact decimals")
struct FixedDecimalTests {
    @Test("0.1 + 0.2 is exactly 0.3")
    func addsExactly() throws {
        let sum = try FixedDecimal(parsing: "0.1").adding(FixedDecimal(parsing: "0.2"))
        #expect(sum == (try FixedDecimal(parsing: "0.3")))
        #expect(sum.description == "0.3000")
        #expect(sum.nanos == 300_000_000)
        #expect(sum.scale == 1)
    }

    @Test(
        "Canonical form: at least four fractional digits, more where the value needs them",
        arguments: [
            ("12345678901234.5678", "12345678901234.5678"),
            ("-0.0001", "-0.0001"),
            ("0", "0.0000"),
            ("100.00", "100.0000"),
            ("-0", "0.0000"),
            ("1e2", "100.0000"),
            ("2.5E-2", "0.0250"),
            ("1.00000000", "1.0000"),
            ("1.0000000000000", "1.0000"),
            ("922337203685477.5807", "922337203685477.5807"),
            ("-922337203685477.5807", "-922337203685477.5807"),
            ("0.000123", "0.000123"),
            ("0.00000001", "0.00000001"),
            ("0.000000001", "0.000000001"),
            ("1.2E7", "12000000.0000"),
            ("-5.5", "-5.5000"),
            ("123456789012345678", "123456789012345678.0000"),
            ("1234567890.12345678", "1234567890.12345678"),
            ("9223372036854775807.999999999", "9223372036854775807.999999999"),
            ("-9223372036854775808.999999999", "-9223372036854775808.999999999"),
            ("123e-9", "0.000000123"),
        ])
    func canonical(text: String, canonical: String) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(value.description == canonical)
        // The canonical text parses back to the same value and renders byte-identical.
        #expect(try FixedDecimal(parsing: canonical) == value)
        #expect(try FixedDecimal(parsing: canonical).description == canonical)
        // And the stored parts read back to the same value.
        let parts = value.storedParts
        #expect(try FixedDecimal(whole: parts.whole, nanos: parts.nanos) == value)
    }

    @Test("A value's scale is the fractional digits it needs; text at a wider scale pads, never cuts")
    func scales() throws {
        #expect(try FixedDecimal(parsing: "0.000123").scale == 6)
        #expect(try FixedDecimal(parsing: "1.50").scale == 1)
        #expect(try FixedDecimal(parsing: "1.2E7").scale == 0)
        #expect(try FixedDecimal(parsing: "-0.00000001").scale == 8)
        #expect(try FixedDecimal(parsing: "0.000123").formatted(scale: 8) == "0.00012300")
        #expect(try FixedDecimal(parsing: "0.000123").formatted(scale: 2) == "0.000123")
        #expect(try FixedDecimal(parsing: "-5.5").formatted(scale: 0) == "-5.5")
        #expect(try FixedDecimal(parsing: "7").formatted(scale: 0) == "7")
        #expect(try FixedDecimal(parsing: "-0.5").storedParts == (0, -500_000_000))
        #expect(try FixedDecimal(parsing: "-5.5").storedParts == (-5, -500_000_000))
    }

    @Test("10,000 random decimals with 0–9 fractional digits round-trip through text and storage exactly")
    func randomRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<10_000 {
            let units = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 63)
            let scale = Int(generator.next() % 10)
            let value = FixedDecimal(units: units, scale: scale)
            let text = value.description
            #expect(try FixedDecimal(parsing: text) == value, "canonical \(text)")
            // The same value written with fewer fractional digits (trailing zeros dropped) reads the same.
            let short = value.formatted(minimumFractionDigits: 0)
            #expect(try FixedDecimal(parsing: short) == value, "short form \(short)")
            // And in exponent form: the integer's digits times 10^-scale.
            let exponentForm = String(units) + "e-\(scale)"
            #expect(try FixedDecimal(parsing: exponentForm) == value, "exponent form \(exponentForm)")
            let parts = value.storedParts
            #expect(try FixedDecimal(whole: parts.whole, nanos: parts.nanos) == value)
        }
    }

    @Test("More fractional digits than nine is an error, never rounded")
    func tooManyFractionalDigits() {
        #expect(throws: MoneyError.tooManyFractionalDigits("0.0000000001", scale: 9)) {
            try FixedDecimal(parsing: "0.0000000001")
        }
        #expect(throws: MoneyError.tooManyFractionalDigits("224.1234567891", scale: 9)) {
            try FixedDecimal(parsing: "224.1234567891")
        }
        #expect(throws: MoneyError.tooManyFractionalDigits("1e-10", scale: 9)) { try FixedDecimal(parsing: "1e-10") }
        let error = MoneyError.tooManyFractionalDigits("0.0000000001", scale: 9)
        #expect(error.description.contains("0.0000000001"))
        #expect(error.description.contains("never rounds"))
    }

    @Test(
        "Malformed numbers are refused",
        arguments: [
            "", "-", "01", "1.", ".5", "+1", "1,000.00", " 1", "1 ", "1e", "1e+", "NaN", "Infinity", "0x10",
            "1.2.3", "--1", "１２",
        ])
    func refusesMalformed(text: String) {
        #expect(throws: MoneyError.self) { try FixedDecimal(parsing: text) }
    }

    @Test("Values whose integer part does not fit 64 bits are refused")
    func range() throws {
        #expect(throws: MoneyError.outOfRange("9223372036854775808")) {
            try FixedDecimal(parsing: "9223372036854775808")
        }
        #expect(throws: MoneyError.outOfRange("1e9999")) { try FixedDecimal(parsing: "1e9999") }
        let forty = "1234567890123456789012345678901234567890"
        #expect(throws: MoneyError.outOfRange(forty)) { try FixedDecimal(parsing: forty) }
        #expect(throws: MoneyError.self) {
            try FixedDecimal(parsing: "9223372036854775807.999999999").adding(FixedDecimal(parsing: "0.000000001"))
        }
        #expect(throws: MoneyError.self) { try FixedDecimal(parsing: "-9223372036854775808.999999999").negated() }
        #expect(throws: MoneyError.self) { try FixedDecimal(whole: 1, nanos: -1) }
        #expect(throws: MoneyError.self) { try FixedDecimal(whole: 0, nanos: 1_000_000_000) }
        // Sums of stored parts combine exactly, and refuse a total past the range.
        #expect(try FixedDecimal(summingWhole: 3, nanos: 2_500_000_000).description == "5.5000")
        #expect(throws: MoneyError.self) { try FixedDecimal(summingWhole: .max, nanos: 1_000_000_000) }
    }

    @Test("Display trims trailing zeros to a minimum")
    func formatted() throws {
        let value = try FixedDecimal(parsing: "224.5")
        #expect(value.formatted(minimumFractionDigits: 2) == "224.50")
        #expect(value.formatted(minimumFractionDigits: 0) == "224.5")
        #expect(try FixedDecimal(parsing: "100").formatted(minimumFractionDigits: 0) == "100")
        #expect(try FixedDecimal(parsing: "-0.0001").formatted(minimumFractionDigits: 2) == "-0.0001")
    }

    @Test("Unit scales widen, never narrow, and show every amount of a unit with the same digits")
    func unitScales() throws {
        let cny = try MoneyUnit("CNY")
        var scales = UnitScales()
        #expect(scales.scale(of: .tokens) == 4)
        scales.widen(.tokens, to: 6)
        scales.widen(.tokens, to: 5)
        #expect(scales.scale(of: .tokens) == 6)
        scales.widen(.tokens, to: 8)
        #expect(scales.text(try FixedDecimal(parsing: "0.000123"), in: .tokens) == "0.00012300")
        #expect(scales.text(try FixedDecimal(parsing: "12345678901234.5678"), in: .tokens) == "12345678901234.56780000")
        #expect(scales.text(try FixedDecimal(parsing: "1.5"), in: cny) == "1.5000")
        // A value wider than its unit's scale (a statement file's, say) keeps its digits.
        #expect(scales.text(try FixedDecimal(parsing: "0.000001"), in: cny) == "0.000001")
    }
}

@Suite("Money and units")
struct MoneyTests {
    @Test("Amounts of different units never add up")
    func unitMismatch() throws {
        let cny = try Money(parsing: "1.50", unit: MoneyUnit("CNY"))
        let tokens = try Money(parsing: "1.50", unit: .tokens)
        #expect(throws: MoneyError.unitMismatch(try MoneyUnit("CNY"), .tokens)) { try cny.adding(tokens) }
        #expect(throws: MoneyError.self) { try cny.subtracting(tokens) }
        #expect(try cny.adding(cny) == Money(try FixedDecimal(parsing: "3"), try MoneyUnit("CNY")))
    }

    @Test("Totals are kept per unit")
    func totals() throws {
        var totals = MoneyTotals()
        let cny = try MoneyUnit("CNY")
        try totals.add(Money(parsing: "0.1", unit: cny))
        try totals.add(Money(parsing: "100", unit: .serviceUnits))
        try totals.add(Money(parsing: "0.2", unit: cny))
        #expect(totals.sorted.map(\.description) == ["0.3000 CNY", "100.0000 SU"])
    }

    @Test("Unit names are validated", arguments: ["", " CNY", "C N Y", "人民币", "ABCDEFGHIJKLMNOPQ", "CNY\n"])
    func invalidUnit(name: String) {
        #expect(throws: MoneyError.invalidUnit(name)) { try MoneyUnit(name) }
    }
}
