import Foundation
import LedgerCore
import LedgerSources

/// The `[backup]` table: the backups `ledgersync serve` takes on a schedule.
///
/// ```toml
/// [backup]
/// dir = "/var/backups/ledgersync"   # relative to the config file's directory
/// every = "1d"                      # 90s, 15m, 2h, 1d
/// keep = 7                          # the oldest beyond these are removed, only once a newer one has verified
/// ```
public struct BackupSchedule: Sendable, Equatable {
    /// Where the backups go (created if missing, mode 0700).
    public var directory: String
    /// The time between backups.
    public var every: Duration
    /// How many verified backups to keep.
    public var keep: Int

    /// A schedule of backups into `directory`.
    public init(directory: String, every: Duration = .seconds(86_400), keep: Int = 7) {
        self.directory = directory
        self.every = every
        self.keep = keep
    }

    /// Reads a duration such as `90`, `90s`, `15m`, `2h` or `1d` (at least one second, at most 366 days).
    public static func duration(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = units[last] {
            digits = text.dropLast()
            multiplier = unit
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value > 0,
            value <= 366 * 86_400 / multiplier
        else { return nil }
        return .seconds(value * multiplier)
    }

    static func parse(_ table: TableReader, directory: String) throws(ConfigError) -> BackupSchedule {
        try table.allowOnly(["dir", "every", "keep"])
        let dir = try table.string("dir")
        guard !dir.isEmpty else { throw table.error("dir", "expected a directory") }
        var schedule = BackupSchedule(directory: SyncConfiguration.resolve(dir, against: directory))
        if let every = try table.optionalString("every") {
            guard let duration = duration(every), duration >= .seconds(60) else {
                throw table.error(
                    "every", "\"\(every.prefix(40))\" is not a duration of a minute or more, such as 6h or 1d")
            }
            schedule.every = duration
        }
        schedule.keep = try table.optionalInt("keep", range: 1...10_000) ?? schedule.keep
        return schedule
    }
}
