extension Instant: CustomStringConvertible {
    /// ISO-8601 in UTC: `2024-01-01T00:00:00Z`, with `.SSS` only when the instant has milliseconds.
    public var description: String { iso8601 }

    /// ISO-8601 in UTC: `2024-01-01T00:00:00Z`, with `.SSS` only when the instant has milliseconds.
    public var iso8601: String { iso8601(offsetMinutes: 0) }

    /// Appends ``iso8601`` as UTF-8 bytes, written digit by digit (the JSON writer of long lists calls it per cell).
    public func appendISO8601(to output: inout [UInt8]) {
        let millis = Int(((millisecondsSinceEpoch % 1000) + 1000) % 1000)
        let seconds = (millisecondsSinceEpoch - Int64(millis)) / 1000
        let days = Int(floorDivide(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        guard (0...9999).contains(year) else {
            output.append(contentsOf: iso8601.utf8)
            return
        }
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if millis != 0 {
            output.append(UInt8(ascii: "."))
            digits(millis, 3)
        }
        output.append(UInt8(ascii: "Z"))
    }

    /// ISO-8601 at a fixed offset from UTC: `2024-01-01T08:00:00+08:00`.
    /// - Parameter offsetMinutes: The zone's offset from UTC in minutes at this instant.
    public func iso8601(offsetMinutes: Int) -> String {
        let local = millisecondsSinceEpoch + Int64(offsetMinutes) * 60_000
        let millis = Int(((local % 1000) + 1000) % 1000)
        let seconds = (local - Int64(millis)) / 1000
        let days = Int(floorDivide(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        var text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if millis != 0 { text += "." + pad(millis, 3) }
        if offsetMinutes == 0 {
            text += "Z"
        } else {
            let sign = offsetMinutes < 0 ? "-" : "+"
            text += sign + pad(abs(offsetMinutes) / 60, 2) + ":" + pad(abs(offsetMinutes) % 60, 2)
        }
        return text
    }

    /// Parses ISO-8601 / RFC 3339: `2024-01-01T00:00:00Z`, `2024-01-01T08:00:00.5+08:00`, or a date alone
    /// (`2024-01-01`, midnight UTC). A time with no zone is refused rather than guessed.
    /// - Throws: ``InstantParseError`` naming the text.
    public init(iso8601 text: some StringProtocol) throws(InstantParseError) {
        let expected = "ISO-8601 such as 2024-01-01T00:00:00Z or 2024-01-01T08:00:00+08:00"
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
        let failure = InstantParseError(text: String(text), expected: expected)
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { throw failure }
        var secondOfDay = 0
        var millis = 0
        var offsetSeconds = 0
        if index < bytes.count {
            guard expect("T") || expect("t") || expect(" "),
                let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
                hour < 24, minute < 60, second < 60
            else { throw failure }
            secondOfDay = hour * 3600 + minute * 60 + second
            if expect(".") {
                var digits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if digits < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { throw failure }
                // Sub-millisecond digits are dropped: the store keeps milliseconds.
                if digits < 3 { for _ in digits..<3 { millis *= 10 } }
            }
            if expect("Z") || expect("z") {
                offsetSeconds = 0
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else {
                    throw failure
                }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            } else {
                throw failure
            }
        }
        guard index == bytes.count else { throw failure }
        let days = Int64(Self.days(fromCivil: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(secondOfDay) - Int64(offsetSeconds)
        self.init(millisecondsSinceEpoch: seconds * 1000 + Int64(millis))
    }

    /// The UTC calendar date of this instant.
    public var utcDate: (year: Int, month: Int, day: Int) {
        Self.civil(fromDays: Int(floorDivide(floorDivide(millisecondsSinceEpoch, 1000), 86_400)))
    }

    /// Midnight UTC of a calendar date.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let days = Int64(Self.days(fromCivil: year, month: month, day: day))
        self.init(secondsSinceEpoch: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    // Howard Hinnant's days_from_civil / civil_from_days, exact over the proleptic Gregorian calendar.
    static func days(fromCivil year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The days of a month in the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
