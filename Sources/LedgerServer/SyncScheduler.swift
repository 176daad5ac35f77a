import LedgerCore
import LedgerStore
import LedgerSync
import Logging
import ServiceLifecycle

/// Runs the sync engine on a schedule inside `serve`: never two at once, the first at startup when the ledger's
/// last run is older than the interval, a run on request, retries with backoff after a failure, and on graceful
/// shutdown a stop that lets the running sync end its accounts in flight and close its run `interrupted`.
public actor SyncScheduler: Service {
    /// What a request for a run now got.
    public enum RequestOutcome: Sendable, Equatable {
        /// The run starts now.
        case started
        /// A run is going on; it was not started twice.
        case alreadyRunning
    }

    /// The scheduler's state, for the API and `/metrics`.
    public struct Status: Sendable, Equatable {
        /// Whether a sync is running.
        public var running: Bool
        /// When the next scheduled run is due (`nil` while one runs, or before the first is planned).
        public var nextRunAt: Instant?
        /// Runs that failed (or found the ledger locked) in a row; 0 after a success.
        public var consecutiveFailures: Int
        /// How the last run ended: its status, or why it did not run.
        public var lastOutcome: String?
    }

    /// One sync: the engine behind the writer lock. Returns the run's status, or `nil` when another process holds
    /// the lock.
    public typealias Runner = @Sendable (SyncStop) async throws -> RunStatus?

    private let every: Duration
    private let clock: any LedgerClock
    private let sleep: @Sendable (Duration) async throws -> Void
    private let jitter: @Sendable (Duration) -> Duration
    private let lastRunStartedAt: @Sendable () -> Instant?
    private let runner: Runner
    private let logger: Logger

    private var running = false
    private var requested = false
    private var shuttingDown = false
    private var wakeup: CheckedContinuation<Void, Never>?
    private var stop: SyncStop?
    private var status = Status(running: false, nextRunAt: nil, consecutiveFailures: 0, lastOutcome: nil)

    /// The shortest wait before a retry after a failure; it doubles with each failure in a row, up to the interval.
    public static let firstRetry: Duration = .seconds(30)

    /// - Parameters:
    ///   - every: The interval between runs.
    ///   - clock: The current time (the ledger's last run is compared with it).
    ///   - sleep: Waits; a test's sleep returns when the test says.
    ///   - jitter: The interval as it is waited this time: ±10 % at random by default, so that many servers do
    ///     not call a source at the same second.
    ///   - lastRunStartedAt: When the ledger's newest run started, if it has one.
    ///   - runner: Runs one sync.
    ///   - logger: Where runs and failures are logged.
    public init(
        every: Duration, clock: any LedgerClock = SystemClock(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable (Duration) -> Duration = SyncScheduler.randomJitter,
        lastRunStartedAt: @escaping @Sendable () -> Instant?, runner: @escaping Runner, logger: Logger
    ) {
        self.every = every
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
        self.lastRunStartedAt = lastRunStartedAt
        self.runner = runner
        self.logger = logger
    }

    /// ±10 % of `interval`, at random.
    public static func randomJitter(_ interval: Duration) -> Duration {
        interval * Double.random(in: 0.9...1.1)
    }

    /// The scheduler's state now.
    public func currentStatus() -> Status { status }

    /// Asks for a run now.
    public func requestRun() -> RequestOutcome {
        if running { return .alreadyRunning }
        requested = true
        wake()
        return .started
    }

    /// Runs until graceful shutdown (SIGTERM or SIGINT in `serve`).
    public func run() async throws {
        await withGracefulShutdownHandler {
            await loop()
        } onGracefulShutdown: {
            Task { await self.shutDown() }
        }
    }

    private func loop() async {
        // The first run is due at once when the ledger never synced or its last run is older than the interval.
        var delay: Duration = .zero
        if let last = lastRunStartedAt() {
            let elapsed = Duration.milliseconds(clock.now().millisecondsSinceEpoch - last.millisecondsSinceEpoch)
            // A last run "in the future" (a clock set back, a ledger from elsewhere) does not postpone the first.
            if elapsed >= .zero, elapsed < every { delay = every - elapsed }
        }
        while !shuttingDown {
            await wait(delay)
            if shuttingDown { break }
            requested = false
            let succeeded = await runOnce()
            let failures = status.consecutiveFailures
            delay =
                succeeded || failures == 0
                ? jitter(every) : min(every, Self.firstRetry * (1 << min(failures - 1, 20)))
        }
    }

    /// Runs one sync and records how it went; true when it completed or was partial (the source answered).
    private func runOnce() async -> Bool {
        running = true
        status.running = true
        status.nextRunAt = nil
        let stop = SyncStop()
        self.stop = stop
        defer {
            running = false
            status.running = false
            self.stop = nil
        }
        do {
            guard let outcome = try await runner(stop) else {
                status.consecutiveFailures += 1
                status.lastOutcome = "locked"
                logger.warning("scheduled sync skipped: another sync holds the ledger")
                return false
            }
            status.lastOutcome = outcome.rawValue
            switch outcome {
            case .complete, .partial, .interrupted:
                status.consecutiveFailures = 0
                return true
            case .failed, .running:
                status.consecutiveFailures += 1
                return false
            }
        } catch {
            status.consecutiveFailures += 1
            status.lastOutcome = "error"
            logger.error("scheduled sync failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Waits `delay`, or less when a run is asked for or the server shuts down.
    private func wait(_ delay: Duration) async {
        if requested || shuttingDown || delay <= .zero { return }
        status.nextRunAt = clock.now().adding(milliseconds: delay.milliseconds)
        let sleep = self.sleep
        let timer = Task {
            try? await sleep(delay)
            self.wake()
        }
        await withCheckedContinuation { continuation in
            if requested || shuttingDown {
                continuation.resume()
            } else {
                wakeup = continuation
            }
        }
        timer.cancel()
    }

    private func wake() {
        wakeup?.resume()
        wakeup = nil
    }

    private func shutDown() {
        shuttingDown = true
        stop?.request()
        wake()
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
