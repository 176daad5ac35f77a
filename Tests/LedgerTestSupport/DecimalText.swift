import Foundation

/// Helpers shared by the test targets: oracles that do not use the code under test.

/// Decimal addition on digit strings, independent of ``FixedDecimal``: the oracle for exact sums.
public enum DecimalText {
    /// `text` with its fraction padded with zeros to `scale` digits (`1.5` → `1.50000000`), by string operations.
    public static func padded(_ text: String, scale: Int) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "."
            + fraction.padding(toLength: max(scale, fraction.count), withPad: "0", startingAt: 0)
    }

    /// The sum of decimal texts (optional `-`, digits, optional point and digits), with 8 fractional digits.
    public static func sum(_ texts: [String]) -> String {
        let scale = 8
        // Each value as a sign and a digit string scaled by 10^8, added column by column in base 10.
        var positive: [Int] = []
        var negative: [Int] = []
        for text in texts {
            let isNegative = text.hasPrefix("-")
            let body = isNegative ? String(text.dropFirst()) : text
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            let digits = String(parts[0]) + fraction.padding(toLength: scale, withPad: "0", startingAt: 0)
            let value = digits.reversed().map { Int(String($0))! }
            if isNegative { add(value, to: &negative) } else { add(value, to: &positive) }
        }
        // positive − negative, with the sign of the larger.
        let (larger, smaller, sign) =
            compare(positive, negative) >= 0 ? (positive, negative, "") : (negative, positive, "-")
        var result: [Int] = []
        var borrow = 0
        for index in 0..<larger.count {
            var digit = larger[index] - borrow - (index < smaller.count ? smaller[index] : 0)
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 10 }
            result.append(digit)
        }
        while result.count < scale + 1 { result.append(0) }
        while result.count > scale + 1, result.last == 0 { result.removeLast() }
        let text = result.reversed().map(String.init).joined()
        let isZero = result.allSatisfy { $0 == 0 }
        return (isZero ? "" : sign) + text.dropLast(scale) + "." + text.suffix(scale)
    }

    private static func add(_ value: [Int], to total: inout [Int]) {
        var carry = 0
        for index in 0..<max(value.count, total.count) {
            if index == total.count { total.append(0) }
            let digit = total[index] + (index < value.count ? value[index] : 0) + carry
            total[index] = digit % 10
            carry = digit / 10
        }
        if carry > 0 { total.append(carry) }
    }

    private static func compare(_ a: [Int], _ b: [Int]) -> Int {
        func trimmed(_ x: [Int]) -> [Int] {
            var x = x
            while x.last == 0 { x.removeLast() }
            return x
        }
        let (a, b) = (trimmed(a), trimmed(b))
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for index in stride(from: a.count - 1, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return 0
    }
}
