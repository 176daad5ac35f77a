import LedgerCore

/// HTTP dates (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), for Date and Retry-After headers.
public enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday

    /// Parses an IMF-fixdate; `nil` for anything else.
    ///
    /// The fields have their fixed widths (a two-digit day, a four-digit year: a longer one made the date
    /// arithmetic overflow, found by the http-date fuzz target) and the day exists in its month.
    public static func parse(_ text: String) -> Instant? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, parts[3].count == 4, parts[4].count == 8,
            parts[1].allSatisfy(\.isASCIIDigit), parts[3].allSatisfy(\.isASCIIDigit),
            let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 }),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
            let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            day >= 1, day <= Instant.daysIn(month: month, year: year), hour < 24, minute < 60, second < 61
        else { return nil }
        return Instant(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
    }

    /// Formats an instant as an IMF-fixdate.
    public static func format(_ instant: Instant) -> String {
        let seconds =
            instant.millisecondsSinceEpoch >= 0
            ? instant.millisecondsSinceEpoch / 1000 : (instant.millisecondsSinceEpoch - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        let date = instant.utcDate
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        // The year has four digits (0974, not 974: found by the http-date fuzz target), as the format says.
        let year = String(date.year)
        let fourDigitYear = date.year >= 0 ? String(repeating: "0", count: max(0, 4 - year.count)) + year : year
        return "\(weekday), \(two(date.day)) \(months[date.month - 1]) \(fourDigitYear) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}

extension Character {
    /// `0` to `9` (Character.isNumber also takes other scripts' digits).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
