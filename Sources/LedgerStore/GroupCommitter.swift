import Foundation
import GRDB
import LedgerCore

/// Commits many units of work in one transaction, each in its own savepoint.
///
/// Units are committed together in groups ("group commit"): one BEGIN/COMMIT, one writer hop and one write of
/// each touched page to the WAL for the whole group. Each unit is still all-or-nothing — a unit that throws rolls
/// back its savepoint only, and the others commit — and a process killed mid-way loses whole units, never parts
/// of one.
///
/// A producer that ``submit(_:completion:)``s a unit goes on at once and hears the result later, so a group can
/// wait ``init(database:maximumGroup:capacity:delay:)``'s `delay` to fill without holding anyone up; a producer that
/// must know the result before it goes on uses ``write(_:)``, which does not wait for the group to fill.
public actor GroupCommitter {
    private typealias Body = @Sendable (LedgerTransaction) throws -> any Sendable
    private let batcher: UnitBatcher<Body, any Sendable>

    /// - Parameters:
    ///   - database: The ledger.
    ///   - maximumGroup: The most units one transaction takes.
    ///   - capacity: The most submitted units that wait for the writer before ``submit(_:completion:)`` waits. Each
    ///     holds its target's observation and raw responses until it commits. With 1,024 a first sync of 100k
    ///     accounts peaked 2–3 MiB above one of 10k (the writer falls behind more often over a longer run); with
    ///     one group's worth (256) 1 MiB, and the sync benchmark's ratios stayed within their run-to-run spread.
    ///   - delay: How long a group that is not full waits for more units when nobody is waiting for it. Each
    ///     commit writes every page it touched to the WAL, so committing units one by one as they come would
    ///     write the same table and index pages again and again.
    public init(
        database: LedgerDatabase, maximumGroup: Int = 256, capacity: Int = 256, delay: Duration = .milliseconds(20)
    ) {
        let path = database.path
        batcher = UnitBatcher(maximumGroup: maximumGroup, capacity: capacity, delay: delay) { bodies in
            await database.commitGroup(bodies).map { $0.mapError { StoreError(wrapping: $0, path: path) } }
        }
    }

    /// Queues `body` for a savepoint of a coming group transaction and returns; waits only while the queue is full.
    /// - Parameters:
    ///   - body: The unit's writes.
    ///   - completion: Called once the unit's group has committed, with what `body` returned, or with the
    ///     ``StoreError`` of `body` or of the group's commit.
    public func submit<T: Sendable>(
        _ body: @escaping @Sendable (LedgerTransaction) throws -> T,
        completion: @escaping @Sendable (Result<T, StoreError>) -> Void
    ) async {
        await batcher.submit({ try body($0) }, completion: { completion($0.map { $0 as! T }) })
    }

    /// Runs `body` in a savepoint of the next group transaction, without waiting for the group to fill.
    /// - Returns: What `body` returns, once its group has committed.
    /// - Throws: ``StoreError`` if `body` or the group's commit fails.
    public func write<T: Sendable>(
        _ body: @escaping @Sendable (LedgerTransaction) throws -> T
    ) async throws(StoreError)
        -> T
    {
        try await batcher.write({ try body($0) }).map { $0 as! T }.get()
    }

    /// Returns once every unit submitted before the call has been committed (or has failed).
    public func flush() async {
        await batcher.flush()
    }
}

extension LedgerDatabase {
    /// One transaction, one savepoint per body; a throwing body rolls back its savepoint only.
    func commitGroup(
        _ bodies: [@Sendable (LedgerTransaction) throws -> any Sendable]
    ) async
        -> [Result<any Sendable, any Error>]
    {
        let now = clock.now()
        do {
            return try await writer.write { db in
                let counts = PendingRunCounts()
                let tx = LedgerTransaction(db: db, now: now, pendingCounts: counts)
                // Savepoints by cached statements: GRDB's inSavepoint prepares its SQL anew each time, and a sync
                // opens one per target. A savepoint that cannot be released or rolled back fails the whole group.
                let open = try db.cachedStatement(sql: "SAVEPOINT unit")
                let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT unit")
                let rollback = try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT unit")
                var results: [Result<any Sendable, any Error>] = []
                results.reserveCapacity(bodies.count)
                for body in bodies {
                    try open.execute()
                    do {
                        let value = try body(tx)
                        try release.execute()
                        counts.keepUnit()
                        results.append(.success(value))
                    } catch {
                        try rollback.execute()
                        try release.execute()
                        counts.dropUnit()
                        results.append(.failure(error))
                    }
                }
                // One update per run and source for the whole group: a counter row rewritten once per unit was a
                // statement and a savepoint page copy per target.
                for (key, added) in counts.kept {
                    try tx.writeCounts(runID: key.runID, sourceID: key.sourceID, added)
                }
                return results
            }
        } catch {
            return bodies.map { _ in .failure(error) }
        }
    }
}

/// The run counts of a group's units, kept apart per unit until its savepoint is released.
final class PendingRunCounts {
    struct Key: Hashable {
        let runID: Int64
        let sourceID: Int64
    }

    private(set) var kept: [Key: RunCounts] = [:]
    private var unit: [Key: RunCounts] = [:]

    func add(_ counts: RunCounts, runID: Int64, sourceID: Int64) {
        let key = Key(runID: runID, sourceID: sourceID)
        unit[key] = (unit[key] ?? RunCounts()) + counts
    }

    /// The current unit committed: its counts go with the group's.
    func keepUnit() {
        for (key, counts) in unit { kept[key] = (kept[key] ?? RunCounts()) + counts }
        unit.removeAll(keepingCapacity: true)
    }

    /// The current unit rolled back: its counts were never true.
    func dropUnit() { unit.removeAll(keepingCapacity: true) }
}
