import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import LedgerStore
import Logging
import Testing

@Suite("Secrets and the store")
struct SecretsInStoreTests {
    /// Everything a fetch can produce, recorded the way the sync records it.
    static func record(
        _ outcome: Result<FetchOutcome<BalanceObservation>, SourceError>, in database: LedgerDatabase,
        source: String, kind: SourceKind
    ) throws {
        try database.transaction { tx in
            let sourceID = try tx.sourceID(name: source, kind: kind)
            switch outcome {
            case .success(.decoded(let observation, let response)):
                _ = try tx.record(observation, raw: response.record, sourceID: sourceID, runID: nil)
            case .success(.quarantined(let problem, let response)):
                try tx.recordQuarantine(
                    sourceID: sourceID, runID: nil, account: nil, target: source, reason: problem.description,
                    raw: response.record)
            case .failure(let error):
                try tx.recordFetchError(
                    sourceID: sourceID, runID: nil,
                    FetchErrorRecord(
                        account: nil, target: error.target, kind: error.kind.rawValue, httpStatus: error.httpStatus,
                        remoteCode: error.remoteCode, message: error.message, requestID: error.requestID,
                        retryable: error.retryable, attempts: error.attempts))
            }
        }
    }

    static func capture(
        _ body: () async throws(SourceError) -> FetchOutcome<BalanceObservation>
    ) async
        -> Result<FetchOutcome<BalanceObservation>, SourceError>
    {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    @Test("No secret reaches the database file, whatever was fetched, quarantined or failed")
    func databaseHasNoSecret() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledgersync-secrets-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let database = try LedgerDatabase.open(path: path, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        try await withSimulator { harness in
            let faults: [FaultKind?] = [nil, .wrongTypes, .permissionDenied, .serverError, .malformedJSON]
            for fault in faults {
                harness.simulator.faults.clear()
                if let fault { harness.simulator.faults.add(FaultRule(fault)) }
                let mr = try harness.modelRouter()
                let dms = try harness.dms(asQuery: true)
                let twcc = try harness.twcc()
                let outcomes: [(Result<FetchOutcome<BalanceObservation>, SourceError>, String, SourceKind)] = [
                    (
                        await Self.capture { () async throws(SourceError) in try await mr.balance(clientID: 1001) },
                        "mr", .modelRouter
                    ),
                    (
                        await Self.capture { () async throws(SourceError) in try await dms.credit(orgID: 101) }, "dms",
                        .dmsCredit
                    ),
                    (
                        await Self.capture { () async throws(SourceError) in
                            try await twcc.wallet(projectCode: "MST000001", walletCode: "W0001")
                        }, "twcc", .twccWallet
                    ),
                ]
                for (outcome, source, kind) in outcomes {
                    try Self.record(outcome, in: database, source: source, kind: kind)
                }
            }
        }
        // The fetches did land: versions, quarantine and errors are all there.
        try database.close()
        // Read as any other program would read the file.
        let file = try DatabaseQueue(path: path)
        let counts = try await file.read { db in
            try ["balance_version", "quarantine", "fetch_error", "raw_response"].map { table in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
        }
        try file.close()
        #expect(counts.allSatisfy { $0 > 0 }, "\(counts)")
        // Every file SQLite wrote: the database, its WAL and shared memory.
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            bytes += try Data(contentsOf: directory.appendingPathComponent(file))
        }
        #expect(bytes.count > 100_000)
        for secret in ["sim-access-key-secret", "sim-dms-token", "sim-password"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the database file")
        }
    }

    @Test("A closed port is a retryable connection error after every attempt")
    func connectionRefused() async throws {
        let client = AsyncHTTPClientTransport.makeClient(connectTimeout: .seconds(2))
        let sleeps = SleepRecorder()
        let http = SourceHTTPClient(
            source: "dms", transport: AsyncHTTPClientTransport(client: client),
            limits: SourceLimits(retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1))),
            sleep: sleeps.sleep, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        // Port 9 (discard) is closed on loopback here.
        let dms = DMSCreditConnector(
            name: "dms", baseURL: try BaseURL("http://127.0.0.1:9", source: "dms"), currency: try MoneyUnit("CNY"),
            authentication: .none, http: http)
        let error = await #expect(throws: SourceError.self) { try await dms.credit(orgID: 101) }
        #expect(error?.kind == .connection)
        #expect(error?.retryable == true)
        #expect(error?.attempts == 3)
        #expect(sleeps.recorded.count == 2)
        try await client.shutdown()
    }
}

extension SourceResponse {
    /// The store's record of this response.
    var record: RawResponseRecord {
        RawResponseRecord(
            method: method, url: redactedURL, action: action, httpStatus: status, dateHeaderAt: date,
            receivedAt: receivedAt, requestID: nil, body: body)
    }
}
