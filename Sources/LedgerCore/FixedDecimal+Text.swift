extension FixedDecimal: CustomStringConvertible, LosslessStringConvertible {
    /// Parses a decimal from its text: the grammar of a JSON number (`-12.50`, `0`, `1e3`, `2.5E-2`).
    ///
    /// Leading zeros, a leading `+`, a bare `.`, grouping separators and white space are errors: a value that
    /// cannot be read exactly is never guessed. Zeros past ``maximumScale`` fractional digits are
    /// accepted (`1.0000000000` is exactly 1), any other digit past it is an error.
    ///
    /// - Parameter text: The number's text, exactly as received.
    /// - Throws: ``MoneyError`` naming the text and what is wrong with it.
    public init(parsing text: some StringProtocol) throws(MoneyError) {
        self = try Self.parse(Array(text.utf8), text: String(text))
    }

    /// Parses a decimal from the UTF-8 bytes of a number token.
    /// - Throws: ``MoneyError`` naming the text and what is wrong with it.
    public init(parsingUTF8 bytes: some Collection<UInt8>) throws(MoneyError) {
        let array = Array(bytes)
        self = try Self.parse(array, text: String(decoding: array, as: UTF8.self))
    }

    /// `LosslessStringConvertible`: `nil` where ``init(parsing:)`` throws.
    public init?(_ description: String) {
        guard let value = try? FixedDecimal(parsing: description) else { return nil }
        self = value
    }

    /// The canonical text: an optional `-`, the integer digits, a point and the value's own fractional digits,
    /// at least ``minimumDisplayScale`` of them (`100.0000`, `-0.0001`, `0.000123`, `0.00000001`).
    ///
    /// Values of at most four fractional digits read exactly as they did when the ledger held four, so content
    /// hashes computed from this text do not change.
    public var description: String {
        formatted(scale: Self.minimumDisplayScale)
    }

    /// The value with exactly `max(scale, self.scale)` fractional digits: the form for a column of one unit,
    /// whose amounts all show that unit's scale.
    ///
    /// - Parameter scale: The fractional digits to show; more are shown only where the value needs them, so the
    ///   text is always exact. Values outside `0...maximumScale` are clamped.
    public func formatted(scale: Int) -> String {
        let digits = max(self.scale, min(max(scale, 0), Self.maximumScale))
        let negative = nanos < 0
        let magnitude = nanos.magnitude
        let integer = String(magnitude / UInt128(Self.nanosPerUnit))
        guard digits > 0 else { return (negative ? "-" : "") + integer }
        var fraction = magnitude % UInt128(Self.nanosPerUnit)
        for _ in 0..<(Self.maximumScale - digits) { fraction /= 10 }  // only zeros are dropped
        let fractionText = String(fraction)
        let padding = String(repeating: "0", count: digits - fractionText.count)
        return (negative ? "-" : "") + integer + "." + padding + fractionText
    }

    /// The canonical text with trailing fractional zeros removed, down to `minimumFractionDigits`.
    ///
    /// - Parameter minimumFractionDigits: The fewest fractional digits to keep (0 drops the point for whole numbers).
    /// - Returns: `1.5` rather than `1.5000` for `minimumFractionDigits` 0 or 1; `224.00` for 2.
    public func formatted(minimumFractionDigits: Int) -> String {
        formatted(scale: minimumFractionDigits)
    }

    private static func parse(_ bytes: [UInt8], text: String) throws(MoneyError) -> FixedDecimal {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integerDigits = bytes[integerStart..<index]
        guard !integerDigits.isEmpty else { throw .invalidNumber(text, "it does not start with a digit") }
        if integerDigits.count > 1, integerDigits.first == UInt8(ascii: "0") {
            throw .invalidNumber(text, "it has a leading zero")
        }
        var fractionDigits: ArraySlice<UInt8> = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            fractionDigits = bytes[fractionStart..<index]
            guard !fractionDigits.isEmpty else { throw .invalidNumber(text, "no digit follows the decimal point") }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                // Anything past four digits is far outside the range either way.
                if index - exponentStart < 4 { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            guard index > exponentStart else { throw .invalidNumber(text, "its exponent has no digits") }
            if index - exponentStart >= 4 { exponent = 10_000 }
            if exponentNegative { exponent = -exponent }
        }
        guard index == bytes.count else {
            throw .invalidNumber(text, "unexpected character at position \(index + 1)")
        }

        // All significant digits, and where the point falls among them once the exponent is applied.
        let digits = Array(integerDigits) + Array(fractionDigits)
        let pointPosition = integerDigits.count + exponent  // digits before the point
        let scale = maximumScale
        // The magnitude's bound: the negative range reaches one further (Int64.min has no positive twin).
        let bound = negative ? -smallestNanos : largestNanos
        var scaled: Int128 = 0
        var placesSoFar = 0  // the fractional place of the last digit taken: 1 = tenths, ...
        for (position, digit) in digits.enumerated() {
            let value = Int128(digit - UInt8(ascii: "0"))
            let fractionalPlace = position - pointPosition + 1
            if fractionalPlace > scale {
                guard value == 0 else { throw .tooManyFractionalDigits(text, scale: scale) }
                continue
            }
            let (multiplied, overflow1) = scaled.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(value)
            guard !overflow1, !overflow2, added <= bound else { throw .outOfRange(text) }
            scaled = added
            placesSoFar = fractionalPlace
        }
        // Pad to the scale: the last digit taken stands at `placesSoFar` (≤ 0 for a positive exponent past the
        // digits, where the padding also supplies the integer's trailing zeros).
        var padding = scale - placesSoFar
        if padding > 40 {
            guard scaled == 0 else { throw .outOfRange(text) }
            padding = 0
        }
        for _ in 0..<padding {
            let (multiplied, overflow) = scaled.multipliedReportingOverflow(by: 10)
            guard !overflow, multiplied <= bound else { throw .outOfRange(text) }
            scaled = multiplied
        }
        return FixedDecimal(checkedNanos: negative ? -scaled : scaled)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
