import Foundation
import LedgerCore
import LedgerStore
import Logging

/// A small ledger written through the real write path at fixed times, so every query and report over it is
/// byte-for-byte reproducible: three sources, three daily runs (2026-11-18..20 at 01:00 UTC), a late arrival, a
/// same-timestamp conflict, a gone wallet, balance logs, a fetch error and a quarantined payload.
public enum ReportFixture {
    public static func day(_ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Instant {
        Instant(year: 2026, month: 11, day: day, hour: hour, minute: minute)
    }

    public static func d(_ text: String) -> FixedDecimal { FixedDecimal(text)! }

    public static func raw(_ text: String, at: Instant) -> RawResponseRecord {
        RawResponseRecord(
            method: "GET", url: "https://example.invalid/fixture", action: nil, httpStatus: 200, dateHeaderAt: at,
            receivedAt: at, requestID: nil, body: Array(text.utf8))
    }

    public static func modelRouter(
        _ client: Int64, _ name: String, _ unit: MoneyUnit, _ balance: String, modified: Instant,
        observed: Instant
    ) -> BalanceObservation {
        BalanceObservation(
            account: .modelRouter(clientID: client), displayName: name, sourceModifiedAt: modified,
            observedAt: observed,
            figures: BalanceFigures(unit: unit, availableBalance: d(balance)),
            details: .modelRouter(
                ModelRouterBalanceDetails(
                    remoteID: client * 10, balanceType: unit == .tokens ? "tokens" : "amount", enableBalance: true,
                    gmtCreate: day(1), gmtModified: modified)))
    }

    public static func dms(
        _ org: Int64, _ name: String, balance: String, limit: String, used: String, frozen: String,
        total: String, available: String, at: Instant, creditEnd: String? = nil
    ) -> BalanceObservation {
        BalanceObservation(
            account: .dmsCredit(orgID: org, orgType: 2), displayName: name, sourceModifiedAt: nil, observedAt: at,
            figures: BalanceFigures(
                unit: try! MoneyUnit("CNY"), availableBalance: d(balance), creditLimit: d(limit), used: d(used),
                frozen: d(frozen), totalAvailable: d(total)),
            details: .dmsCredit(
                DMSCreditDetails(
                    availableAmount: d(available), totalUsedLimit: d(used), isUnlimitedCredit: false, isExpired: false,
                    settingCredit: "1", creditMode: "1", accountDays: 30, accountDaysText: "30 天",
                    creditEndTime: creditEnd,
                    orgType: 2, isCheckedName: name)))
    }

    public static func twcc(
        _ wallet: String, _ name: String, mother: Bool, balance: String, original: String,
        credit: String, poc: String, suQuota: String, at: Instant
    ) -> BalanceObservation {
        BalanceObservation(
            account: .twccWallet(projectCode: "MST000001", walletCode: wallet), displayName: name,
            parent: mother ? nil : .twccWallet(projectCode: "MST000001", walletCode: "W0000"), sourceModifiedAt: nil,
            observedAt: at, figures: BalanceFigures(unit: .serviceUnits, availableBalance: d(balance)),
            details: .twccWallet(
                TWCCWalletDetails(
                    projectName: "深度學習計畫", walletName: name, walletID: wallet, walletType: mother ? "mother" : "child",
                    isMother: mother, ownerAccount: "u001", ownerName: "王小明", originalQuota: d(original),
                    projectCreditQuota: d(credit), projectPocQuota: d(poc), projectSUQuota: d(suQuota),
                    projectObtainedSU: d(suQuota))))
    }

    public static func log(
        _ id: Int64, _ client: Int64, _ type: String, _ amount: String, _ before: String, _ after: String,
        at: Instant
    ) -> BalanceLogEntry {
        BalanceLogEntry(
            remoteID: id, clientID: client, changeType: type, changeAmount: d(amount), balanceBefore: d(before),
            balanceAfter: d(after), remark: type == "consume" ? "=HYPERLINK(\"http://x\")" : nil, gmtCreate: at)
    }

    /// Writes the fixture ledger to `path`.
    public static func write(to path: String) async throws {
        let database = try LedgerDatabase.open(
            path: path, clock: SteppedClock(day(18)), logger: Logger(label: "fixture"))
        let cny = try MoneyUnit("CNY")

        // Run 1, 2026-11-18 01:00.
        try await run(database, at: day(18, 1)) { tx, run, s in
            _ = try tx.record(
                modelRouter(17, "研发部", cny, "1000", modified: day(18, 0, 30), observed: day(18, 1)),
                raw: raw("mr17-1", at: day(18, 1)), sourceID: s.mr, runID: run)
            _ = try tx.record(
                modelRouter(18, "Ops =cmd", .tokens, "500000", modified: day(18, 0, 10), observed: day(18, 1)),
                raw: raw("mr18-1", at: day(18, 1)), sourceID: s.mr, runID: run)
            _ = try tx.insertBalanceLogs(
                sourceID: s.mr, account: .modelRouter(clientID: 17), unit: cny,
                entries: [log(9001, 17, "recharge", "1000", "0", "1000", at: day(17, 10))],
                raws: [raw("log-1", at: day(18, 1))], runID: run)
            _ = try tx.record(
                dms(
                    101, "未认证", balance: "200", limit: "1000", used: "300", frozen: "50", total: "850",
                    available: "650", at: day(18, 1)), raw: raw("dms101-1", at: day(18, 1)), sourceID: s.dms, runID: run
            )
            _ = try tx.record(
                dms(
                    102, "Acme, \"Ltd\"", balance: "100", limit: "2000", used: "1200", frozen: "100",
                    total: "900", available: "700", at: day(18, 1)), raw: raw("dms102-1", at: day(18, 1)),
                sourceID: s.dms,
                runID: run)
            _ = try tx.record(
                twcc(
                    "W0000", "母錢包", mother: true, balance: "5000", original: "5000", credit: "1000",
                    poc: "0", suQuota: "5500", at: day(18, 1)), raw: raw("tw0-1", at: day(18, 1)), sourceID: s.twcc,
                runID: run)
            _ = try tx.record(
                twcc(
                    "W0001", "子錢包1", mother: false, balance: "1200", original: "1200", credit: "0",
                    poc: "0", suQuota: "5500", at: day(18, 1)), raw: raw("tw1-1", at: day(18, 1)), sourceID: s.twcc,
                runID: run)
            try tx.linkParentAccounts(sourceID: s.twcc)
            return .complete
        }
        // Run 2, 2026-11-19 01:00: changes, a log, a fetch error.
        try await run(database, at: day(19, 1)) { tx, run, s in
            _ = try tx.record(
                modelRouter(17, "研发部", cny, "800", modified: day(19, 0, 20), observed: day(19, 1)),
                raw: raw("mr17-2", at: day(19, 1)), sourceID: s.mr, runID: run)
            _ = try tx.insertBalanceLogs(
                sourceID: s.mr, account: .modelRouter(clientID: 17), unit: cny,
                entries: [log(9002, 17, "consume", "-200", "1000", "800", at: day(18, 12))],
                raws: [raw("log-2", at: day(19, 1))], runID: run)
            _ = try tx.record(
                dms(
                    101, "未认证", balance: "150", limit: "1000", used: "350", frozen: "50", total: "750",
                    available: "600", at: day(19, 1)), raw: raw("dms101-2", at: day(19, 1)), sourceID: s.dms, runID: run
            )
            try tx.recordFetchError(
                sourceID: s.dms, runID: run,
                FetchErrorRecord(
                    account: .dmsCredit(orgID: 102, orgType: 2), target: "dms 102:2", kind: "timeout", httpStatus: nil,
                    remoteCode: nil, message: "no response within 10 s after 3 attempts", requestID: nil,
                    retryable: true,
                    attempts: 3))
            _ = try tx.record(
                twcc(
                    "W0001", "子錢包1", mother: false, balance: "1100", original: "1100", credit: "0",
                    poc: "0", suQuota: "5400", at: day(19, 1)), raw: raw("tw1-2", at: day(19, 1)), sourceID: s.twcc,
                runID: run)
            return .partial
        }
        // Run 3, 2026-11-20 01:00: a late arrival, a same-timestamp conflict, a gone wallet, a quarantine.
        try await run(database, at: day(20, 1)) { tx, run, s in
            _ = try tx.record(
                modelRouter(17, "研发部", cny, "900", modified: day(18, 18), observed: day(20, 1)),
                raw: raw("mr17-late", at: day(20, 1)), sourceID: s.mr, runID: run)
            _ = try tx.record(
                modelRouter(18, "Ops =cmd", .tokens, "499000", modified: day(18, 0, 10), observed: day(20, 1)),
                raw: raw("mr18-same", at: day(20, 1)), sourceID: s.mr, runID: run)
            _ = try tx.insertBalanceLogs(
                sourceID: s.mr, account: .modelRouter(clientID: 17), unit: cny,
                entries: [log(9003, 17, "consume", "-50", "800", "750", at: day(19, 12))],
                raws: [raw("log-3", at: day(20, 1))], runID: run)
            try tx.markGone(
                sourceID: s.twcc, account: .twccWallet(projectCode: "MST000001", walletCode: "W0001"), runID: run)
            try tx.recordQuarantine(
                sourceID: s.twcc, runID: run, account: .twccWallet(projectCode: "MST000001", walletCode: "W0000"),
                target: "twcc MST000001", reason: "$.data.W0000.su_qouta: expected a decimal string, got \"n/a\"",
                raw: raw("{\"data\":{}}", at: day(20, 1)))
            return .partial
        }
        try database.close()
    }

    /// The fixture's three sources, by id.
    public struct Sources: Sendable {
        public var mr: Int64
        public var dms: Int64
        public var twcc: Int64
    }

    /// One complete run of the three sources at `at`: `body` records what it found; each source counts `errors`.
    public static func run(
        _ database: LedgerDatabase, at: Instant, errors: Int = 0,
        _ body: @escaping @Sendable (LedgerTransaction, Int64, Sources) throws -> RunStatus
    ) async throws {
        try await database.transaction(at: at) { tx in
            let sources = Sources(
                mr: try tx.sourceID(name: "modelrouter", kind: .modelRouter),
                dms: try tx.sourceID(name: "dms", kind: .dmsCredit),
                twcc: try tx.sourceID(name: "twcc", kind: .twccWallet))
            let run = try tx.beginRun(mode: .online, host: "fixture", pid: 1)
            for id in [sources.mr, sources.dms, sources.twcc] { try tx.beginRunSource(runID: run, sourceID: id) }
            let status = try body(tx, run, sources)
            for id in [sources.mr, sources.dms, sources.twcc] {
                var counts = RunCounts()
                counts.targets = 2
                counts.fetched = 2
                counts.errors = errors
                try tx.addCounts(runID: run, sourceID: id, counts)
                try tx.finishRunSource(runID: run, sourceID: id, status: .complete, discovery: .complete)
            }
            try tx.finishRun(runID: run, status: status, message: nil)
        }
    }
}

/// The fixture ledger, written once per test process into a temporary directory (one task, so concurrent tests
/// wait for the same write instead of each starting one).
public actor FixtureLedger {
    public static let shared = FixtureLedger()
    private var task: Task<(TemporaryDirectory, String), any Error>?

    /// A copy of the fixture ledger in a new temporary directory, for a test that writes to it or damages it.
    public func copy() async throws -> (directory: TemporaryDirectory, path: String) {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.sqlite")
        try FileManager.default.copyItem(atPath: try await self.path(), toPath: path)
        return (directory, path)
    }

    public func path() async throws -> String {
        if task == nil {
            task = Task {
                let directory = try TemporaryDirectory()
                try await ReportFixture.write(to: directory.file("fixture.sqlite"))
                return (directory, directory.file("fixture.sqlite"))
            }
        }
        return try await task!.value.1
    }
}
