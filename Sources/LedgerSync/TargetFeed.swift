import LedgerCore
import LedgerStore

/// Targets with their stored state, one at a time, for a sync's fetch loop.
///
/// Batches from the source (discovery pages, configured accounts) are regrouped into chunks; each chunk's stored
/// states are read in one query instead of two per target, and the next chunk is assembled and read while this
/// one is handed out. Memory holds two chunks and a batch, whatever the number of targets.
actor TargetFeed {
    typealias Batches = @Sendable () async throws(StoreError) -> [Target]?
    typealias Load = @Sendable ([AccountKey]) async throws(StoreError) -> [AccountKey: AccountState]

    /// Targets of one chunk with their states.
    typealias Chunk = [(target: Target, state: AccountState?)]

    /// What assembling a chunk leaves for the next: the rest of a batch, and whether the batches ended.
    private struct Assembled: Sendable {
        var chunk: Chunk
        var rest: [Target]
        var ended: Bool
    }

    private let batches: Batches
    private let load: Load
    private let chunkSize: Int
    private var current: Chunk = []
    private var position = 0
    private var ahead: Task<Result<Assembled, StoreError>, Never>?
    /// No chunk comes after the current one.
    private var finished = false

    /// - Parameters:
    ///   - chunkSize: Targets per state read (at most 900, SQLite's variable limit with room to spare).
    ///   - batches: The source's targets, a batch at a time, `nil` at the end.
    ///   - load: Reads the stored states of some targets.
    init(chunkSize: Int = 256, batches: @escaping Batches, load: @escaping Load) {
        self.chunkSize = min(max(1, chunkSize), 900)
        self.batches = batches
        self.load = load
    }

    deinit {
        // A run that stopped early leaves no read behind.
        ahead?.cancel()
    }

    /// The next target and its stored state (`nil` if the ledger does not know it), or `nil` after the last.
    /// Called by one caller at a time.
    /// - Throws: ``StoreError`` if a state read or the source's batches fail.
    func next() async throws(StoreError) -> (target: Target, state: AccountState?)? {
        if position == current.count {
            guard !finished else { return nil }
            let assembled = try await (ahead ?? start(rest: [], ended: false)).value.get()
            current = assembled.chunk
            position = 0
            finished = assembled.ended && assembled.rest.isEmpty
            ahead = finished ? nil : start(rest: assembled.rest, ended: assembled.ended)
            guard !current.isEmpty else {
                finished = true
                return nil
            }
        }
        defer { position += 1 }
        return current[position]
    }

    /// Starts assembling the next chunk in the background.
    private func start(rest: [Target], ended: Bool) -> Task<Result<Assembled, StoreError>, Never> {
        let batches = batches
        let load = load
        let size = chunkSize
        return Task {
            do throws(StoreError) {
                return .success(
                    try await Self.assemble(size: size, rest: rest, ended: ended, batches: batches, load: load))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Takes targets until a chunk is full or the batches end, then reads their states.
    private static func assemble(
        size: Int, rest: [Target], ended: Bool, batches: Batches, load: Load
    )
        async throws(StoreError) -> Assembled
    {
        var targets = rest
        var ended = ended
        while !ended, targets.count < size {
            if let batch = try await batches() { targets += batch } else { ended = true }
        }
        let taken = Array(targets.prefix(size))
        let states = taken.isEmpty ? [:] : try await load(taken.map(\.key))
        return Assembled(chunk: taken.map { ($0, states[$0.key]) }, rest: Array(targets.dropFirst(size)), ended: ended)
    }
}
