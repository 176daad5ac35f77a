import Foundation
import LedgerCore
import LedgerSources
import LedgerStore
import Logging

/// Pulls every configured account of every source into the ledger.
///
/// Sources run concurrently; within a source, targets are fetched with the source's concurrency. Each target's
/// result (version, details, raw response, conflicts, movements, counters) is written as one unit, all or nothing
/// (a savepoint of a group transaction, see ``TargetWriter``), so a failure in one target never undoes or blocks
/// another, and a killed run loses at most the targets fetched but not yet committed.
public struct SyncEngine: Sendable {
    /// The sources to read and where the ledger is.
    public let configuration: SyncConfiguration
    /// The ledger written, in either store.
    public let store: any SyncStore
    let transport: any HTTPTransport
    let clock: any LedgerClock
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let mode: RunMode
    let progress: SyncProgress?
    /// Raised to end the run early (``SyncStop``); `nil` runs to the end.
    let stop: SyncStop?

    /// - Parameters:
    ///   - configuration: The sources and their settings.
    ///   - store: The open ledger (the caller holds the lock of each configured source: ``SyncLock`` for a SQLite
    ///     ledger, a source lock for a PostgreSQL one).
    ///   - transport: Where requests go: the network, a capturing wrapper, or a replay of a capture.
    ///   - clock: Recorded times and request dates.
    ///   - mode: Recorded on the run: `online`, `capture` or `replay`.
    ///   - sleep: Waits between retries.
    ///   - progress: Receives each finished target, for a live display.
    ///   - stop: Ends the run early when raised: no further account is taken, and the run is `interrupted`.
    ///   - logger: Progress and failures, never a secret.
    public init(
        configuration: SyncConfiguration, store: any SyncStore, transport: any HTTPTransport,
        clock: any LedgerClock = SystemClock(), mode: RunMode = .online,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        progress: SyncProgress? = nil, stop: SyncStop? = nil, logger: Logger
    ) {
        self.progress = progress
        self.stop = stop
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.clock = clock
        self.mode = mode
        self.sleep = sleep
        self.logger = logger
    }

    /// Runs one sync.
    /// - Returns: The run's status and counts per source.
    /// - Throws: ``StoreError`` when the ledger itself fails (a fetch failure is recorded, never thrown).
    public func run() async throws(StoreError) -> SyncReport {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        let (runID, ids) = try await store.beginRun(
            mode: mode, host: host, pid: pid,
            sources: configuration.sources.map { SourceName(name: $0.name, kind: $0.kind) })
        logger.info("sync started", metadata: ["run": "\(runID)"])
        // Targets of every source share one writer: one transaction per group, a savepoint per target.
        let writer = store.targetWriter(runID: runID, clockSkewMilliseconds: configuration.clockSkewSeconds * 1000)
        let results = await withTaskGroup(of: (Int, Result<SyncReport.Source, StoreError>).self) { group in
            for (index, source) in configuration.sources.enumerated() {
                group.addTask {
                    do throws(StoreError) {
                        return (
                            index,
                            .success(
                                try await SourceSync(
                                    engine: self, writer: writer, source: source, sourceID: ids[index],
                                    runID: runID
                                ).run())
                        )
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [(Int, Result<SyncReport.Source, StoreError>)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var sources: [SyncReport.Source] = []
        for result in results { sources.append(try result.get()) }
        let stopped = stop?.isRequested == true
        let status: RunStatus =
            stopped
            ? .interrupted
            : sources.allSatisfy { $0.status == .complete }
                ? .complete
                : sources.allSatisfy { $0.status == .failed } ? .failed : .partial
        let message = stopped ? "stopped early (shutdown); accounts not yet fetched wait for the next run" : nil
        try await store.finishRun(runID: runID, status: status, message: message)
        progress?.finish()
        logger.info("sync finished", metadata: ["run": "\(runID)", "status": "\(status.rawValue)"])
        return SyncReport(runID: runID, status: status, sources: sources)
    }

    func httpClient(for source: SourceConfiguration) -> SourceHTTPClient {
        SourceHTTPClient(
            source: source.name, transport: transport, limits: source.limits, clock: clock, sleep: sleep,
            logger: logger)
    }
}
