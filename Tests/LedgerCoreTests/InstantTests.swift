import Foundation
import LedgerCore
import LedgerSimulator
import Testing

@Suite("Instants")
struct InstantTests {
    @Test(
        "ISO-8601 parsing",
        arguments: [
            ("2024-01-01T00:00:00Z", Int64(1_704_067_200_000)),
            ("2024-01-01T08:00:00+08:00", Int64(1_704_067_200_000)),
            ("2023-12-31T19:00:00-05:00", Int64(1_704_067_200_000)),
            ("2024-01-01T00:00:00.5Z", Int64(1_704_067_200_500)),
            ("2024-01-01T00:00:00.123456Z", Int64(1_704_067_200_123)),
            ("2024-01-01", Int64(1_704_067_200_000)),
            ("1969-12-31T23:59:59Z", Int64(-1000)),
            ("2024-02-29T12:00:00Z", Int64(1_709_208_000_000)),
        ])
    func parses(text: String, millis: Int64) throws {
        #expect(try Instant(iso8601: text).millisecondsSinceEpoch == millis)
    }

    @Test(
        "Malformed times are refused",
        arguments: [
            "", "2024-1-01T00:00:00Z", "2024-02-30T00:00:00Z", "2023-02-29", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00", "2024-01-01T00:00Z", "yesterday", "2024-01-01T00:00:00+8:00",
        ])
    func refuses(text: String) {
        #expect(throws: InstantParseError.self) { try Instant(iso8601: text) }
    }

    @Test("Formatting agrees with Foundation's ISO-8601 formatter at random instants")
    func formatsLikeFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator)
            let instant = Instant(secondsSinceEpoch: seconds)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(instant.iso8601 == expected)
            #expect(try Instant(iso8601: expected) == instant)
        }
    }

    @Test("Offsets and milliseconds in output")
    func offsets() throws {
        let instant = try Instant(iso8601: "2024-01-01T00:00:00.250Z")
        #expect(instant.iso8601 == "2024-01-01T00:00:00.250Z")
        #expect(instant.iso8601(offsetMinutes: 480) == "2024-01-01T08:00:00.250+08:00")
        #expect(instant.iso8601(offsetMinutes: -330) == "2023-12-31T18:30:00.250-05:30")
    }

    @Test("The byte writer gives iso8601's bytes: whole seconds, milliseconds, before 1970, past 9999")
    func iso8601Bytes() {
        var generator = SplitMix64(seed: 0x1508)
        var instants = [
            Instant(millisecondsSinceEpoch: 0), Instant(millisecondsSinceEpoch: -1),
            Instant(millisecondsSinceEpoch: 1_700_000_000_123), Instant(millisecondsSinceEpoch: -62_167_219_200_001),
            Instant(millisecondsSinceEpoch: 253_402_300_800_000),
        ]
        for _ in 0..<5_000 {
            let range: Int64 = 300_000_000_000_000
            let ms = Int64(bitPattern: generator.next()) % range
            instants.append(Instant(millisecondsSinceEpoch: generator.next() % 2 == 0 ? ms - ms % 1000 : ms))
        }
        for instant in instants {
            var bytes: [UInt8] = []
            instant.appendISO8601(to: &bytes)
            #expect(bytes == Array(instant.iso8601.utf8), "\(instant.millisecondsSinceEpoch)")
        }
    }
}
