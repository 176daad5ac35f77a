import AsyncHTTPClient
import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerSources
import LedgerStore
import LedgerSync
import Logging

/// A simulator, a ledger file and a config pointing at them.
public final class SyncHarness: Sendable {
    public let running: RunningSimulator
    public let directory: String
    public static let quiet = Logger(label: "sync-tests") { _ in SwiftLogNoOpLogHandler() }

    /// - Parameters:
    ///   - configuration: The simulated world.
    ///   - simulatedTime: Whether the engine and the simulator's checks run on the world's time (then nothing in
    ///     the ledger depends on the wall clock) rather than the wall clock.
    public init(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(changePercent: 100),
        simulatedTime: Bool = false
    )
        async throws
    {
        running = try await RunningSimulator(configuration, simulatedTime: simulatedTime)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-sync-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public var simulator: Simulator { running.simulator }
    public var port: Int { running.port }
    public var client: HTTPClient { running.client }

    public func shutdown() async {
        await running.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var databasePath: String { directory + "/ledger.sqlite" }

    public static let environment = [
        "MR_AK": "sim-access-key-id", "MR_SK": "sim-access-key-secret", "DMS_TOKEN": "sim-dms-token",
        "TWCC_ACCOUNT": "sim-user", "TWCC_PASSWORD": "sim-password",
    ]

    public func configText(dmsOrgs: String = "[101, 102, 103]", extraMR: String = "") -> String {
        """
        [store]
        path = "ledger.sqlite"

        [sources.mr]
        kind = "modelrouter"
        base_url = "http://127.0.0.1:\(port)"
        discover = true
        access_key_id_env = "MR_AK"
        access_key_secret_env = "MR_SK"
        max_attempts = 2
        \(extraMR)

        [sources.dms]
        kind = "dms_credit"
        base_url = "http://127.0.0.1:\(port)"
        discover = false
        orgs = \(dmsOrgs)
        token_env = "DMS_TOKEN"
        max_attempts = 2

        [sources.twcc]
        kind = "twcc_wallet"
        base_url = "http://127.0.0.1:\(port)"
        projects = ["MST000001", "MST000002"]
        account_env = "TWCC_ACCOUNT"
        password_env = "TWCC_PASSWORD"
        max_attempts = 2
        """
    }

    public func configuration(_ text: String? = nil) throws -> SyncConfiguration {
        try SyncConfiguration.parse(
            text ?? configText(), file: "test.toml", directory: directory, environment: Self.environment)
    }

    /// One sync with retries that do not sleep.
    public func sync(_ configuration: SyncConfiguration? = nil) async throws -> SyncReport {
        let database = try LedgerDatabase.open(path: databasePath, clock: simulator.clock, logger: Self.quiet)
        defer { try? database.close() }
        return try await sync(configuration, database: database)
    }

    /// Four syncs with hours between them that leave a history of every kind: changed balances and movements, a
    /// stale and a same-timestamp conflict (ModelRouter clients 1001 and 1002), and client 1004 gone.
    public func syncHistoryWithConflictsAndGone() async throws {
        _ = try await sync()
        simulator.world.advance(seconds: 3_600)
        simulator.world.advance(seconds: 3_600)
        _ = try await sync()
        simulator.faults.add(FaultRule(.staleGmtModified, source: .modelRouter, target: "1001", times: 1))
        simulator.faults.add(FaultRule(.sameTimestampDifferentContent, source: .modelRouter, target: "1002", times: 1))
        simulator.world.setClientDeleted(1004, true)
        _ = try await sync()
        simulator.world.advance(seconds: 3_600)
        _ = try await sync()
    }

    /// One sync into an open database.
    public func sync(_ configuration: SyncConfiguration? = nil, database: LedgerDatabase) async throws -> SyncReport {
        try await sync(configuration, store: database)
    }

    /// One sync into an open ledger of either store.
    public func sync(_ configuration: SyncConfiguration? = nil, store: any SyncStore) async throws -> SyncReport {
        let configuration = try configuration ?? self.configuration()
        return try await SyncEngine(
            configuration: configuration, store: store, transport: AsyncHTTPClientTransport(client: client),
            clock: simulator.clock, sleep: { _ in }, logger: Self.quiet
        ).run()
    }

    public func count(_ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    /// The first column of the first row of `sql`, as text ("" for none).
    public func string(_ sql: String) throws -> String {
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchOne(db, sql: sql) ?? "" }
    }

    /// The first row of `sql`.
    public func row(_ sql: String) throws -> Row {
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchOne(db, sql: sql) ?? Row() }
    }
}

public func withSyncHarness(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(changePercent: 100), simulatedTime: Bool = false,
    _ body: (SyncHarness) async throws -> Void
) async throws {
    let harness = try await SyncHarness(configuration, simulatedTime: simulatedTime)
    do { try await body(harness) } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
