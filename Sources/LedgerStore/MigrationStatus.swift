import Foundation
import GRDB
import LedgerCore

/// Where one migration stands in a database.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Applied, with the same checksum as the shipped file.
        case applied
        /// Shipped with this build, not yet applied.
        case pending
        /// Applied, but the shipped file's checksum differs from the one recorded.
        case modified
        /// Applied by a newer build; this build does not ship it.
        case unknown
    }

    /// The migration's id (its file name without `.sql`).
    public var id: String
    /// Whether it is applied, pending, or unknown to this build.
    public var state: State
    /// The checksum of the file this build ships, if it ships it.
    public var shippedSHA256: String?
    /// The checksum recorded when the migration was applied, if it was.
    public var recordedSHA256: String?
    /// When it was applied, if it was.
    public var appliedAt: Instant?
}

extension LedgerDatabase {
    /// Lists the applied and pending migrations of a database file without changing it.
    ///
    /// - Parameters:
    ///   - path: The database file; one that does not exist has every migration pending.
    ///   - migrations: The migrations to compare with; the shipped ones by default.
    /// - Returns: One entry per shipped or applied migration, in identifier order.
    /// - Throws: ``StoreError`` when the file cannot be read as a ledger.
    public static func migrationStatus(
        path: String, migrations: [Migration] = Migration.shipped
    )
        throws(StoreError) -> [MigrationStatus]
    {
        let state =
            FileManager.default.fileExists(atPath: path)
            ? try inspect(path: path) : AppliedState(applied: [], recorded: [:])
        return MigrationStatus.list(of: state, migrations: migrations)
    }
}

extension MigrationStatus {
    /// Each shipped or applied migration's state, given what a database has applied (either store's).
    package static func list(of state: AppliedState, migrations: [Migration]) -> [MigrationStatus] {
        let shipped = Dictionary(uniqueKeysWithValues: migrations.map { ($0.id, $0) })
        let ids = Set(migrations.map(\.id)).union(state.applied).sorted()
        return ids.map { id in
            let recorded = state.recorded[id]
            let isApplied = state.applied.contains(id)
            let state: MigrationStatus.State =
                switch (isApplied, shipped[id]) {
                case (false, _): .pending
                case (true, nil): .unknown
                case (true, let migration?): recorded?.sha256 == migration.sha256 ? .applied : .modified
                }
            return MigrationStatus(
                id: id, state: state, shippedSHA256: shipped[id]?.sha256, recordedSHA256: recorded?.sha256,
                appliedAt: recorded.map { Instant(millisecondsSinceEpoch: $0.appliedAt) })
        }
    }
}
