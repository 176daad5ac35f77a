/// A sleep the test releases: each call records its duration and waits for ``release()`` (or its task's
/// cancellation, which ends it with `CancellationError`, as `Task.sleep` does).
public actor ControlledSleep {
    public private(set) var requested: [Duration] = []
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    public init() {}

    /// The function to hand to what sleeps.
    public nonisolated var sleep: @Sendable (Duration) async throws -> Void {
        { duration in try await self.wait(duration) }
    }

    private func wait(_ duration: Duration) async throws {
        requested.append(duration)
        let id = nextID
        nextID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiting.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Ends the oldest wait.
    public func release() {
        if !waiting.isEmpty { waiting.removeFirst().continuation.resume() }
    }

    /// How many sleeps wait now.
    public var pending: Int { waiting.count }
}
