import ArgumentParser
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore

/// Child: the same observations as ``WritePath`` through the PostgreSQL store's write path (the sync's units, group
/// commits of up to 512, a savepoint or a batch each), round after round.
struct WritePathPostgres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write-path-postgres", shouldDisplay: false)
    @Option var url: String
    @Option var accounts: Int
    @Option var rounds: Int

    func run() async throws {
        let start = Instant(year: 2026, month: 11, day: 1)
        let clock = BenchClock(start)
        let ledger = try await PostgresLedger.open(
            location: try PostgresLocation(url: url), clock: clock, logger: quietLogger)
        let (runID, sources) = try await ledger.beginRun(
            mode: .online, host: "bench", pid: 0, sources: [SourceName(name: "dms", kind: .dmsCredit)])
        let writer = ledger.targetWriter(runID: runID, clockSkewMilliseconds: 300_000)
        let failures = FailureCount()
        for round in 0..<rounds {
            let at = start.adding(seconds: Int64(round) * 3600)
            clock.set(at)
            for batch in stride(from: 0, to: accounts, by: 1000) {
                for account in batch..<min(batch + 1000, accounts) {
                    let (observation, raw, hash) = WritePath.fetched(account: account, round: round, at: at)
                    await writer.submit(
                        .observed(observation, raw: raw, contentHash: hash, movements: nil), sourceID: sources[0]
                    ) { if case .failure = $0 { failures.add() } }
                }
            }
            // Each round is written before the next is read, as one sync follows another.
            await writer.flush()
        }
        try await ledger.finishRun(runID: runID, status: .complete, message: nil)
        await ledger.close()
        guard failures.count == 0 else { throw BenchError("\(failures.count) units failed") }
    }
}

/// The time a bench child records at, set as its rounds go.
final class BenchClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Instant
    init(_ start: Instant) { instant = start }
    func now() -> Instant { lock.withLock { instant } }
    func set(_ at: Instant) { lock.withLock { instant = at } }
}

final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }
}
