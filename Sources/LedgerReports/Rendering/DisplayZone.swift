import Foundation
import LedgerCore

/// The time zone times are shown and entered in (`--tz`): UTC, a fixed offset such as `+08:00`, or an IANA name
/// such as `Asia/Taipei`. The store itself is always UTC.
public struct DisplayZone: Sendable, Equatable, CustomStringConvertible {
    /// The zone as the user wrote it.
    public let name: String
    private let fixedOffsetMinutes: Int?
    private let zone: TimeZone?

    /// Coordinated Universal Time, the default of every output.
    public static let utc = DisplayZone(name: "UTC", fixedOffsetMinutes: 0, zone: nil)

    private init(name: String, fixedOffsetMinutes: Int?, zone: TimeZone?) {
        self.name = name
        self.fixedOffsetMinutes = fixedOffsetMinutes
        self.zone = zone
    }

    /// Reads `UTC`, `Z`, `+08:00` / `-05:30`, or an IANA zone name.
    /// - Throws: ``ReportInputError`` naming the text when it is none of these.
    public init(_ text: String) throws(ReportInputError) {
        if text == "UTC" || text == "Z" || text == "utc" {
            self = .utc
            return
        }
        let bytes = Array(text.utf8)
        if bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":"),
            let hours = Int(text.dropFirst().prefix(2)), let minutes = Int(text.suffix(2)), hours < 24, minutes < 60
        {
            let sign = bytes[0] == UInt8(ascii: "-") ? -1 : 1
            self.init(name: text, fixedOffsetMinutes: sign * (hours * 60 + minutes), zone: nil)
            return
        }
        guard text.contains("/"), let zone = TimeZone(identifier: text) else {
            throw ReportInputError(
                argument: "--tz", value: text,
                reason: "expected UTC, an offset such as +08:00, or a zone name such as Asia/Taipei")
        }
        self.init(name: text, fixedOffsetMinutes: nil, zone: zone)
    }

    public var description: String { name }

    /// The zone's offset from UTC at an instant, in minutes.
    public func offsetMinutes(at instant: Instant) -> Int {
        if let fixedOffsetMinutes { return fixedOffsetMinutes }
        let date = Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch / 1000))
        return zone!.secondsFromGMT(for: date) / 60
    }

    /// ISO-8601 in this zone: `2026-11-21T08:00:00+08:00` (`Z` for UTC).
    public func format(_ instant: Instant) -> String {
        instant.iso8601(offsetMinutes: offsetMinutes(at: instant))
    }

    /// The instant local midnight starts a calendar day in this zone.
    public func startOfDay(year: Int, month: Int, day: Int) -> Instant {
        let utcMidnight = Instant(year: year, month: month, day: day)
        // The offset at the local midnight, found from the offset near it (exact except inside a DST jump).
        var guess = utcMidnight.adding(seconds: -Int64(offsetMinutes(at: utcMidnight)) * 60)
        guess = utcMidnight.adding(seconds: -Int64(offsetMinutes(at: guess)) * 60)
        return guess
    }

    /// Local midnight starting the calendar day after the one `instant` falls on (23, 24 or 25 hours later
    /// across a daylight-saving change).
    public func startOfNextDay(after instant: Instant) -> Instant {
        let today = day(of: instant)
        let tomorrow = day(
            of: startOfDay(year: today.year, month: today.month, day: today.day).adding(seconds: 36 * 3600))
        return startOfDay(year: tomorrow.year, month: tomorrow.month, day: tomorrow.day)
    }

    /// The calendar day an instant falls on in this zone.
    public func day(of instant: Instant) -> (year: Int, month: Int, day: Int) {
        instant.adding(seconds: Int64(offsetMinutes(at: instant)) * 60).utcDate
    }

    /// Reads a time argument: ISO-8601 with `Z` or an offset, or a date alone meaning local midnight in this zone.
    /// - Parameters:
    ///   - text: The value given.
    ///   - argument: The option it came from, for the error.
    /// - Throws: ``ReportInputError`` naming the argument and the value.
    public func parse(_ text: String, argument: String) throws(ReportInputError) -> Instant {
        do {
            let instant = try Instant(iso8601: text)
            if text.utf8.count == 10 {
                let (year, month, day) = instant.utcDate
                return startOfDay(year: year, month: month, day: day)
            }
            return instant
        } catch {
            throw ReportInputError(
                argument: argument, value: text,
                reason:
                    "expected a date (2026-11-20, midnight in \(name)) or a time with a zone (2026-11-20T08:00:00Z, 2026-11-20T16:00:00+08:00)"
            )
        }
    }
}

/// A value given on the command line or in an input file that cannot be used, with where it came from.
public struct ReportInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option or file location (`--from`, `statement.csv line 7`).
    public let argument: String
    /// The value given.
    public let value: String
    /// Why it is refused, and what would be accepted.
    public let reason: String

    public init(argument: String, value: String, reason: String) {
        self.argument = argument
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(argument) \"\(value.prefix(80))\": \(reason)" }
}
