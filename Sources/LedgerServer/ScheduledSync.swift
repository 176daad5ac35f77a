import LedgerCore
import LedgerReports
import LedgerStore
import LedgerSync
import Logging

/// The sync `serve` runs on its schedule: the engine behind the writer lock, then the alert rules evaluated on what
/// it wrote, their changes recorded, and the deliverer woken for the messages.
struct ScheduledSync: Sendable {
    let configuration: SyncConfiguration
    let clock: any LedgerClock
    let deliverer: AlertDeliverer
    let logger: Logger

    /// One run; `nil` when another process holds the writer lock.
    @Sendable func run(stop: SyncStop) async throws -> RunStatus? {
        switch try await SyncCommandRunner.run(
            configuration: configuration, clock: clock, stop: stop, afterSync: evaluateAlerts, logger: logger)
        {
        case .finished(let report): return report.status
        case .locked, .sourceLocked: return nil
        }
    }

    /// Evaluates every rule against the ledger just written and records what fired and resolved.
    @Sendable func evaluateAlerts(_ database: LedgerDatabase) async throws {
        let rules = configuration.alerts
        guard !rules.isEmpty else { return }
        let firings = try AlertEvaluator.firings(rules, reader: LedgerReader(database), now: clock.now())
        let changes = try await database.transaction { tx in
            try tx.recordAlerts(firings, rules: rules.map { ($0.name, $0.webhooks.map(\.id)) })
        }
        if !changes.fired.isEmpty || !changes.resolved.isEmpty {
            logger.notice(
                "alerts changed",
                metadata: ["fired": "\(changes.fired.count)", "resolved": "\(changes.resolved.count)"])
            await deliverer.wake()
        }
    }
}
