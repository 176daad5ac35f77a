import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerServer
import LedgerStore
import LedgerSync
import Logging

/// `serve`'s routes in process (Hummingbird's router test framework, no socket), on ledgers the tests write
/// themselves, with a stepped clock and a scheduler whose waits the test holds.
public struct RouteHarness: Sendable {
    public let directory: TemporaryDirectory
    public let server: LedgerServer
    public let clock: SteppedClock
    public let sleeps: ControlledSleep

    /// - Parameters:
    ///   - write: Writes the ledger at the given path before the server opens it.
    ///   - serve: The `[serve]` table's lines.
    ///   - tables: More tables of the config (`[backup]`, `[[alerts]]`), after the sources.
    public init(
        serve: String = "", tables: String = "", at now: Instant = ReportFixture.day(21, 12),
        write: (String) async throws -> Void = { try await ReportFixture.write(to: $0) }
    ) async throws {
        directory = try TemporaryDirectory()
        try await write(directory.file("ledger.sqlite"))
        // A source the scheduler would sync; its runs are replaced, so nothing is ever fetched from it.
        let configuration = try ServeConfiguration.parse(
            """
            [store]
            path = "ledger.sqlite"
            [serve]
            sync_every = "1d"
            \(serve)
            [sources.modelrouter]
            kind = "modelrouter"
            base_url = "http://127.0.0.1:9"
            access_key_id_env = "MR_AK"
            access_key_secret_env = "MR_SK"
            \(tables)
            """, file: "serve.toml", directory: directory.path,
            environment: ["SERVE_TOKEN": "route-token-5e1d", "MR_AK": "unused", "MR_SK": "unused"])
        clock = SteppedClock(now)
        sleeps = ControlledSleep()
        // The scheduler's runs change nothing: these tests read the ledger they wrote.
        server = try buildApplication(
            configuration: configuration,
            environment: ServeEnvironment(
                clock: clock, sleep: sleeps.sleep, runner: { _ in .complete }, deliverySleep: sleeps.sleep,
                backupSleep: sleeps.sleep,
                logger: Logger(label: "route-test") { _ in SwiftLogNoOpLogHandler() }))
    }

    /// A harness over a ledger of one complete run at 2026-11-18 01:00 whose sources each count `errors`, in which
    /// `record` writes what the test needs.
    public init(
        oneRun errors: Int,
        _ record: @escaping @Sendable (LedgerTransaction, Int64, ReportFixture.Sources) throws -> RunStatus
    ) async throws {
        try await self.init { path in
            let database = try LedgerDatabase.open(
                path: path, clock: SteppedClock(ReportFixture.day(18)), logger: Logger(label: "fixture"))
            defer { try? database.close() }
            try await ReportFixture.run(database, at: ReportFixture.day(18, 1), errors: errors, record)
        }
    }

    public func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.application.test(.router, body)
    }
}
