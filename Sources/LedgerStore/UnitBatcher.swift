/// The queue behind a group commit, apart from any engine: units come in, groups of them go to `commit` (one
/// transaction with a savepoint per unit, in the store that owns the batcher), and each unit's submitter hears its
/// own result.
///
/// A producer that ``submit(_:urgent:completion:)``s goes on at once; a group that is not full waits `delay` for more
/// units unless someone waits for it (an urgent unit or a ``flush()``). Memory stays bounded: a producer waits while
/// `capacity` units are queued.
package actor UnitBatcher<Unit: Sendable, Output: Sendable> {
    private struct Job {
        let unit: Unit
        let complete: @Sendable (Result<Output, StoreError>) -> Void
        let urgent: Bool
    }

    private let commit: @Sendable ([Unit]) async -> [Result<Output, StoreError>]
    private var pending: [Job] = []
    private var draining = false
    private let maximumGroup: Int
    private let capacity: Int
    private let delay: Duration
    /// Units submitted and units committed (or failed) so far, in order: a flush waits for its mark.
    private var submitted = 0
    private var settled = 0
    private var urgentWaiting = 0
    private var flushes: [(mark: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - maximumGroup: The most units one group takes.
    ///   - capacity: The most queued units before ``submit(_:urgent:completion:)`` waits.
    ///   - delay: How long a group that is not full waits for more units when nobody waits for it.
    ///   - commit: Commits one group, giving one result per unit, in order.
    package init(
        maximumGroup: Int, capacity: Int, delay: Duration,
        commit: @escaping @Sendable ([Unit]) async -> [Result<Output, StoreError>]
    ) {
        self.maximumGroup = max(1, maximumGroup)
        self.capacity = max(self.maximumGroup, capacity)
        self.delay = delay
        self.commit = commit
    }

    /// Queues `unit` and returns; waits only while the queue is full. `completion` hears its result once its group
    /// has committed.
    package func submit(
        _ unit: Unit, urgent: Bool = false, completion: @escaping @Sendable (Result<Output, StoreError>) -> Void
    ) async {
        if !urgent {
            while pending.count >= capacity {
                await withCheckedContinuation { roomWaiters.append($0) }
            }
        } else {
            urgentWaiting += 1
        }
        pending.append(Job(unit: unit, complete: completion, urgent: urgent))
        submitted += 1
        if !draining {
            draining = true
            Task { await drain() }
        }
    }

    /// Commits `unit` in the next group without waiting for the group to fill, and returns its result.
    package func write(_ unit: Unit) async -> Result<Output, StoreError> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<Output, StoreError>, Never>) in
            Task { await submit(unit, urgent: true) { continuation.resume(returning: $0) } }
        }
    }

    /// Returns once every unit submitted before the call has been committed (or has failed).
    package func flush() async {
        guard settled < submitted else { return }
        let mark = submitted
        await withCheckedContinuation { flushes.append((mark, $0)) }
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
            let results = await commit(group.map(\.unit))
            for (job, result) in zip(group, results) {
                if job.urgent { urgentWaiting -= 1 }
                job.complete(result)
            }
            settled += group.count
            let reached = flushes.filter { $0.mark <= settled }
            flushes.removeAll { $0.mark <= settled }
            for flush in reached { flush.continuation.resume() }
        }
        draining = false
    }
}
