import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// Run records in a shared ledger: each names its host and process, and one syncer's run never ends another's.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresRunTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    @Test func runsNameTheirHostAndProcessAndASecondRunLeavesTheFirstRunning() async throws {
        try await PostgresTestDatabase.with { database in
            let tokyo = try await PostgresLedger.open(location: database.location, logger: logger)
            let taipei = try await PostgresLedger.open(location: database.location, logger: logger)
            let first = try await tokyo.transaction { tx in
                try await tx.beginRun(mode: .online, host: "sync-cn.internal", pid: 4242)
            }
            let second = try await taipei.transaction { tx in
                try await tx.beginRun(mode: .replay, host: "sync-tw.internal", pid: 77)
            }
            #expect(
                try await database.strings(
                    "SELECT concat_ws(' ', id, status, mode, host, pid) FROM sync_run ORDER BY id")
                    == [
                        "\(first) running online sync-cn.internal 4242", "\(second) running replay sync-tw.internal 77",
                    ])
            try await taipei.transaction { tx in
                try await tx.finishRun(runID: second, status: .partial, message: "1 of 3 wallets failed")
            }
            #expect(
                try await database.strings(
                    "SELECT concat_ws(' ', id, status, (ended_at IS NOT NULL)::text, coalesce(message, '-')) FROM sync_run ORDER BY id"
                )
                    == ["\(first) running false -", "\(second) partial true 1 of 3 wallets failed"])
            await tokyo.close()
            await taipei.close()
        }
    }
}
