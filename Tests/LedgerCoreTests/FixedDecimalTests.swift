import LedgerCore
import Testing

@Suite("Exact decimals")
struct FixedDecimalTests {
    @Test("0.1 + 0.2 is exactly 0.3")
    func addsExactly() throws {
        let sum = try FixedDecimal(parsing: "0.1").adding(FixedDecimal(parsing: "0.2"))
        #expect(sum == (try FixedDecimal(parsing: "0.3")))
        #expect(sum.description == "0.3000")
        #expect(sum.scaledValue == 3000)
    }

    @Test(
        "Canonical form",
        arguments: [
            ("12345678901234.5678", "12345678901234.5678"),
            ("-0.0001", "-0.0001"),
            ("0", "0.0000"),
            ("100.00", "100.0000"),
            ("-0", "0.0000"),
            ("1e2", "100.0000"),
            ("2.5E-2", "0.0250"),
            ("1.00000000", "1.0000"),
            ("922337203685477.5807", "922337203685477.5807"),
            ("-922337203685477.5807", "-922337203685477.5807"),
        ])
    func canonical(text: String, canonical: String) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(value.description == canonical)
        // The canonical text parses back to the same value and renders byte-identical.
        #expect(try FixedDecimal(parsing: canonical) == value)
        #expect(try FixedDecimal(parsing: canonical).description == canonical)
    }

    @Test("10,000 random decimals round-trip through text exactly")
    func randomRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<10_000 {
            let scaled = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 60)
            let value = FixedDecimal(scaledValue: scaled)
            let text = value.description
            #expect(try FixedDecimal(parsing: text) == value, "canonical \(text)")
            // The same value written with fewer fractional digits (trailing zeros dropped) reads the same.
            let short = value.formatted(minimumFractionDigits: 0)
            #expect(try FixedDecimal(parsing: short) == value, "short form \(short)")
            // And in exponent form: digits with the point removed, times 10^-4.
            let digits = String(scaled.magnitude)
            let exponentForm = (scaled < 0 ? "-" : "") + digits + "e-4"
            #expect(try FixedDecimal(parsing: exponentForm) == value, "exponent form \(exponentForm)")
        }
    }

    @Test("More fractional digits than the scale is an error, never rounded")
    func tooManyFractionalDigits() {
        #expect(throws: MoneyError.tooManyFractionalDigits("0.00001", scale: 4)) {
            try FixedDecimal(parsing: "0.00001")
        }
        #expect(throws: MoneyError.tooManyFractionalDigits("224.12345", scale: 4)) {
            try FixedDecimal(parsing: "224.12345")
        }
        #expect(throws: MoneyError.tooManyFractionalDigits("1e-5", scale: 4)) { try FixedDecimal(parsing: "1e-5") }
        let error = MoneyError.tooManyFractionalDigits("0.00001", scale: 4)
        #expect(error.description.contains("0.00001"))
        #expect(error.description.contains("never rounds"))
    }

    @Test(
        "Malformed numbers are refused",
        arguments: ["", "-", "01", "1.", ".5", "+1", "1,000.00", " 1", "1 ", "1e", "1e+", "NaN", "Infinity", "0x10",
            "1.2.3", "--1", "１２"])
    func refusesMalformed(text: String) {
        #expect(throws: MoneyError.self) { try FixedDecimal(parsing: text) }
    }

    @Test("Values outside the 64-bit scaled range are refused")
    func range() {
        #expect(throws: MoneyError.outOfRange("922337203685477.5808")) {
            try FixedDecimal(parsing: "922337203685477.5808")
        }
        #expect(throws: MoneyError.outOfRange("1e9999")) { try FixedDecimal(parsing: "1e9999") }
        #expect(throws: MoneyError.outOfRange("99999999999999999999999")) {
            try FixedDecimal(parsing: "99999999999999999999999")
        }
        #expect(throws: MoneyError.self) {
            try FixedDecimal(parsing: "922337203685477.5807").adding(FixedDecimal(parsing: "0.0001"))
        }
        #expect(throws: MoneyError.self) { try FixedDecimal(scaledValue: .min).negated() }
    }

    @Test("Display trims trailing zeros to a minimum")
    func formatted() throws {
        let value = try FixedDecimal(parsing: "224.5")
        #expect(value.formatted(minimumFractionDigits: 2) == "224.50")
        #expect(value.formatted(minimumFractionDigits: 0) == "224.5")
        #expect(try FixedDecimal(parsing: "100").formatted(minimumFractionDigits: 0) == "100")
        #expect(try FixedDecimal(parsing: "-0.0001").formatted(minimumFractionDigits: 2) == "-0.0001")
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
