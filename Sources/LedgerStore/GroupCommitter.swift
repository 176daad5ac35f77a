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
    private struct Job {
        let body: @Sendable (LedgerTransaction) throws -> any Sendable
        let complete: @Sendable (Result<any Sendable, StoreError>) -> Void
        let urgent: Bool
    }

    private let database: LedgerDatabase
    private var pending: [Job] = []
    private var draining = false
    /// The most units one transaction takes.
    private let maximumGroup: Int
    /// The most units waiting; a producer submitting more waits for room (memory stays bounded).
    private let capacity: Int
    private let delay: Duration
    /// Units submitted and units committed (or failed) so far, in order: a flush waits for its mark.
    private var submitted = 0
    private var settled = 0
    private var urgentWaiting = 0
    private var flushes: [(mark: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []

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
        self.database = database
        self.maximumGroup = max(1, maximumGroup)
        self.capacity = max(self.maximumGroup, capacity)
        self.delay = delay
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
        while pending.count >= capacity {
            await withCheckedContinuation { roomWaiters.append($0) }
        }
        enqueue(Job(body: { try body($0) }, complete: { completion($0.map { $0 as! T }) }, urgent: false))
    }

    /// Runs `body` in a savepoint of the next group transaction, without waiting for the group to fill.
    /// - Returns: What `body` returns, once its group has committed.
    /// - Throws: ``StoreError`` if `body` or the group's commit fails.
    public func write<T: Sendable>(
        _ body: @escaping @Sendable (LedgerTransaction) throws -> T
    ) async throws(StoreError)
        -> T
    {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, StoreError>, Never>) in
            urgentWaiting += 1
            enqueue(
                Job(
                    body: { try body($0) }, complete: { continuation.resume(returning: $0.map { $0 as! T }) },
                    urgent: true))
        }
        return try result.get()
    }

    /// Returns once every unit submitted before the call has been committed (or has failed).
    public func flush() async {
        guard settled < submitted else { return }
        let mark = submitted
        await withCheckedContinuation { flushes.append((mark, $0)) }
    }

    private func enqueue(_ job: Job) {
        pending.append(job)
        submitted += 1
        if !draining {
            draining = true
            Task { await drain() }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            if pending.count < maximumGroup, urgentWaiting == 0, flushes.isEmpty, delay > .zero {
                try? await Task.sleep(for: delay)
            }
            let group = Array(pending.prefix(maximumGroup))
            pending.removeFirst(group.count)
            for waiter in roomWaiters { waiter.resume() }
            roomWaiters = []
            let results = await database.commitGroup(group.map(\.body))
            let path = database.path
            for (job, result) in zip(group, results) {
                if job.urgent { urgentWaiting -= 1 }
                job.complete(result.mapError { StoreError(wrapping: $0, path: path) })
            }
            settled += group.count
            let reached = flushes.filter { $0.mark <= settled }
            flushes.removeAll { $0.mark <= settled }
            for flush in reached { flush.continuation.resume() }
        }
        draining = false
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
