import LedgerStore

/// Runs `body` for every target of the feed with at most `concurrency` at once; stops taking targets at the first
/// failure and throws it, or when `stop` is raised (the targets in flight finish). A target is taken from the feed only when a slot is free, so memory stays bounded by the
/// window and the feed's chunks, not by the number of targets.
func forEachTarget(
    _ feed: TargetFeed, concurrency: Int, stop: SyncStop? = nil,
    _ body: @escaping @Sendable (Target, AccountState?) async throws(StoreError) -> Void
) async throws(StoreError) {
    let failure = await withTaskGroup(of: StoreError?.self) { group in
        var failure: StoreError?
        var running = 0
        /// Starts the next target; false when the feed ended or failed.
        func add() async -> Bool {
            if stop?.isRequested == true { return false }
            let element: (target: Target, state: AccountState?)?
            do throws(StoreError) {
                element = try await feed.next()
            } catch {
                failure = failure ?? error
                return false
            }
            guard let element else { return false }
            running += 1
            group.addTask {
                do throws(StoreError) { try await body(element.target, element.state) } catch { return error }
                return nil
            }
            return true
        }
        var more = true
        while more, running < concurrency { more = await add() }
        while running > 0, let result = await group.next() {
            running -= 1
            if let result { failure = failure ?? result }
            if failure == nil, more { more = await add() }
        }
        return failure
    }
    if let failure { throw failure }
}
