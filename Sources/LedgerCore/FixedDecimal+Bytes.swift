extension FixedDecimal {
    /// Appends the UTF-8 bytes of ``formatted(scale:)``, without making a string.
    ///
    /// Content hashes, JSON lists and CSV exports write one of these per amount; a `String` built per cell (and its
    /// `UInt128` digits) was a large part of each.
    ///
    /// - Parameters:
    ///   - scale: The fractional digits to show, as ``formatted(scale:)`` takes it.
    ///   - output: The buffer to append to.
    public func appendText(scale: Int, to output: inout [UInt8]) {
        let digits = max(self.scale, min(max(scale, 0), Self.maximumScale))
        let (whole, fraction) = storedParts
        if nanos < 0 { output.append(UInt8(ascii: "-")) }
        appendDecimal(magnitude: whole.magnitude, to: &output)
        guard digits > 0 else { return }
        output.append(UInt8(ascii: "."))
        // All nine billionths, then the first `digits` of them: the ones left out are zeros, as `digits` is at least
        // the value's own scale.
        var rest = fraction.magnitude
        var scratch: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            for position in stride(from: Self.maximumScale - 1, through: 0, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            output.append(contentsOf: buffer[0..<digits])
        }
    }
}

/// Appends an integer's decimal digits (what `String(value)` spells) as UTF-8 bytes, without making a string.
public func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    // The magnitude as unsigned, so that Int64.min has one too.
    appendDecimal(magnitude: value.magnitude, to: &output)
}

/// Appends an unsigned integer's decimal digits as UTF-8 bytes.
public func appendDecimal(magnitude: UInt64, to output: inout [UInt8]) {
    var magnitude = magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 digits at most, written backwards into 24 bytes
    withUnsafeMutableBytes(of: &digits) { scratch in
        var end = scratch.count
        repeat {
            end -= 1
            scratch[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        output.append(contentsOf: scratch[end...])
    }
}
