import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

/// One writer per source, not per ledger: session advisory locks, released when the holder's session ends.
@Suite(.enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresSourceLockTests {
    let logger = Logger(label: "ledgersync.tests.postgres")

    @Test func syncersOfDifferentSourcesHoldTheirLocksAtOnceAndASecondOfOneSourceIsToldWhoHoldsIt() async throws {
        try await PostgresTestDatabase.with { database in
            // Two ledgers stand for two processes: two pools, two sessions.
            let here = try await PostgresLedger.open(location: database.location, logger: logger)
            let there = try await PostgresLedger.open(location: database.location, logger: logger)
            let modelRouter = try await here.lockSource(name: "mr", kind: .modelRouter)
            let twcc = try await there.lockSource(name: "twcc", kind: .twccWallet)
            await #expect {
                _ = try await there.lockSource(name: "mr", kind: .modelRouter)
            } throws: { error in
                guard let held = error as? PostgresSourceLock.Held else { return false }
                return held.sourceName == "mr" && held.holder.contains(PostgresLedger.applicationName)
                    && held.description.contains("wait for it to finish")
            }
            await modelRouter.release()
            let again = try await there.lockSource(name: "mr", kind: .modelRouter)
            await again.release()
            await twcc.release()
            await here.close()
            await there.close()
        }
    }

    @Test func aHoldersSessionEndingReleasesItsLock() async throws {
        try await PostgresTestDatabase.with { database in
            let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
            let killed = try await ledger.lockSource(name: "mr", kind: .modelRouter)
            await #expect(throws: PostgresSourceLock.Held.self) {
                _ = try await ledger.lockSource(name: "mr", kind: .modelRouter)
            }
            // What the server does when a holder is killed or its machine vanishes: the session ends. The two-
            // argument pg_terminate_backend returns once the backend has exited, its locks released with it.
            let ended = try await database.strings(
                """
                SELECT pg_terminate_backend(l.pid, 10000)::text FROM pg_locks AS l
                WHERE l.locktype = 'advisory' AND l.granted AND l.database = (
                    SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(ended == ["true"])
            let taken = try await ledger.lockSource(name: "mr", kind: .modelRouter)
            await taken.release()
            await killed.release()  // its connection is gone; this only closes the client's side
            await ledger.close()
        }
    }

    @Test func aSourceNameKeepsItsKind() async throws {
        try await PostgresTestDatabase.with { database in
            let ledger = try await PostgresLedger.open(location: database.location, logger: logger)
            let first = try await ledger.sourceID(name: "billing", kind: .dmsCredit)
            #expect(try await ledger.sourceID(name: "billing", kind: .dmsCredit) == first)
            await #expect {
                _ = try await ledger.sourceID(name: "billing", kind: .twccWallet)
            } throws: { error in
                "\(error)".contains("recorded as dms_credit but configured as twcc_wallet")
            }
            await ledger.close()
        }
    }
}
