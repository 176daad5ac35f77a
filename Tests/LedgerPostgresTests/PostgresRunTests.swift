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

    @Test func theNextSyncerOfASourceClosesWhatASyncerThatDiedLeftOpen() async throws {
        try await PostgresTestDatabase.with { database in
            let dead = try await PostgresLedger.open(location: database.location, logger: logger)
            let next = try await PostgresLedger.open(location: database.location, logger: logger)
            let mrLock = try await dead.lockSource(name: "mr", kind: .modelRouter)
            let twccLock = try await dead.lockSource(name: "twcc", kind: .twccWallet)
            let mr = try await dead.sourceID(name: "mr", kind: .modelRouter)
            let twcc = try await dead.sourceID(name: "twcc", kind: .twccWallet)
            let run = try await dead.transaction { tx in
                let run = try await tx.beginRun(mode: .online, host: "sync-1", pid: 10)
                try await tx.beginRunSource(runID: run, sourceID: mr)
                try await tx.beginRunSource(runID: run, sourceID: twcc)
                var counts = RunCounts()
                counts.targets = 3
                counts.versionsAdded = 2
                try await tx.addCounts(runID: run, sourceID: mr, counts)
                return run
            }
            // The syncer dies: the server ends its sessions, and its locks go with them.
            let ended = try await database.strings(
                """
                SELECT pg_terminate_backend(pid, 10000)::text FROM pg_locks
                WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(ended == ["true", "true"])

            let state = """
                SELECT concat_ws(' ', r.status, s.source_id, s.status, s.targets, s.versions_added)
                FROM sync_run AS r JOIN sync_run_source AS s ON s.run_id = r.id ORDER BY s.source_id
                """
            let mrAgain = try await next.lockSource(name: "mr", kind: .modelRouter)
            // ModelRouter's part is closed, its counts kept; TWCC's may still be running somewhere: the run stays open.
            #expect(try await database.strings(state) == ["running \(mr) failed 3 2", "running \(twcc) running 0 0"])
            let twccAgain = try await next.lockSource(name: "twcc", kind: .twccWallet)
            #expect(
                try await database.strings(state) == ["interrupted \(mr) failed 3 2", "interrupted \(twcc) failed 0 0"])
            #expect(
                try await database.strings("SELECT message FROM sync_run WHERE id = \(run) AND ended_at IS NOT NULL")
                    == ["its syncer stopped without finishing (its session ended); found by the next syncer"])

            // A run that finished is never touched by a later lock.
            let finished = try await next.transaction { tx in
                let run = try await tx.beginRun(mode: .online, host: "sync-2", pid: 20)
                try await tx.beginRunSource(runID: run, sourceID: mr)
                try await tx.finishRunSource(runID: run, sourceID: mr, status: .complete, discovery: .complete)
                try await tx.finishRun(runID: run, status: .complete, message: nil)
                return run
            }
            await mrAgain.release()
            let third = try await next.lockSource(name: "mr", kind: .modelRouter)
            #expect(
                try await database.strings("SELECT status FROM sync_run_source WHERE run_id = \(finished)")
                    == ["complete"])
            for lock in [third, twccAgain, mrLock, twccLock] { await lock.release() }
            await dead.close()
            await next.close()
        }
    }
}
