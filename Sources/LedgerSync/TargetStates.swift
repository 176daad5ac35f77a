import LedgerCore
import LedgerStore

/// The ledger's state of a source's targets, read a chunk at a time just ahead of the fetches that need it.
///
/// Replaces two reads per target (current content, log cursor) with one read per chunk. Memory stays bounded:
/// a chunk is dropped once each of its targets has taken its state, and only the next chunk is read ahead.
actor TargetStates {
    typealias Load = @Sendable ([AccountKey]) async throws(StoreError) -> [AccountKey: AccountState]

    private let targets: [Target]
    private let chunkSize: Int
    private let load: Load
    private var chunks: [Int: Task<Result<[AccountKey: AccountState], StoreError>, Never>] = [:]
    private var untaken: [Int: Int] = [:]

    /// - Parameters:
    ///   - targets: The targets, in the order they are processed.
    ///   - chunkSize: Targets per read (at most 900).
    ///   - load: Reads the states of some targets.
    init(targets: [Target], chunkSize: Int = 256, load: @escaping Load) {
        self.targets = targets
        self.chunkSize = min(max(1, chunkSize), 900)
        self.load = load
    }

    /// How many chunks are held in memory now (read, or being read).
    var residentChunks: Int { chunks.count }

    /// The stored state of the target at `index`, `nil` if the ledger does not know it. Each index is taken once.
    /// - Throws: ``StoreError`` if the chunk's read fails.
    func take(_ index: Int) async throws(StoreError) -> AccountState? {
        let chunk = index / chunkSize
        let task = start(chunk)
        // Read ahead while this chunk is processed.
        if index % chunkSize == 0, (chunk + 1) * chunkSize < targets.count { _ = start(chunk + 1) }
        let states = await task.value
        untaken[chunk, default: 0] -= 1
        if untaken[chunk] == 0 {
            chunks[chunk] = nil
            untaken[chunk] = nil
        }
        return try states.get()[targets[index].key]
    }

    private func start(_ chunk: Int) -> Task<Result<[AccountKey: AccountState], StoreError>, Never> {
        if let task = chunks[chunk] { return task }
        let start = chunk * chunkSize  // callers pass chunks that hold at least one target
        let range = start..<min(start + chunkSize, targets.count)
        let keys = targets[range].map(\.key)
        let load = load
        let task = Task { () async -> Result<[AccountKey: AccountState], StoreError> in
            do throws(StoreError) { return .success(try await load(keys)) } catch { return .failure(error) }
        }
        chunks[chunk] = task
        untaken[chunk] = range.count
        return task
    }
}
