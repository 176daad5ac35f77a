import ArgumentParser
import Foundation
import LedgerCore
import LedgerSimulator
import LedgerReports
import LedgerStore
import Logging

let quietLogger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

/// The observation of account `index` in round `round`: 10% of accounts change each round after the first.
func benchObservation(account index: Int, round: Int, at: Instant) -> BalanceObservation {
    let changes = (0...round).filter { $0 == 0 || (index &* 31 &+ $0 &* 17) % 10 == 0 }.count
    let balance = FixedDecimal(units: Int64(index % 10_000) * 10_000 + Int64(changes) * 1_2345, scale: 4)
    return BalanceObservation(
        account: .dmsCredit(orgID: Int64(index + 1), orgType: 2), displayName: "org \(index + 1)",
        sourceModifiedAt: nil, observedAt: at,
        figures: BalanceFigures(
            unit: MoneyUnit.cny, availableBalance: balance, creditLimit: .zero, used: .zero,
            frozen: .zero, totalAvailable: balance),
        details: .dmsCredit(
            DMSCreditDetails(
                availableAmount: .zero, totalUsedLimit: .zero, isUnlimitedCredit: false, isExpired: false,
                settingCredit: "1", creditMode: "1", accountDays: 30, accountDaysText: "30 天", creditEndTime: nil,
                orgType: 2, isCheckedName: "已认证")))
}

extension MoneyUnit {
    static let cny = try! MoneyUnit("CNY")
}

/// Child: N observations through the real write path (versions, conflicts, raw responses), in batches of 1,000 in
/// one transaction, as a rebuild records them.
struct WritePath: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write-path", shouldDisplay: false)
    @Option var db: String
    @Option var accounts: Int
    @Option var rounds: Int

    func run() async throws {
        let database = try LedgerDatabase.open(path: db, logger: quietLogger)
        let start = Instant(year: 2026, month: 11, day: 1)
        let (accounts, rounds) = (self.accounts, self.rounds)
        try await database.transaction(at: start) { tx in
            let source = try tx.sourceID(name: "dms", kind: .dmsCredit)
            for round in 0..<rounds {
                let at = start.adding(seconds: Int64(round) * 3600)
                var index = 0
                while index < accounts {
                    let range = index..<min(index + 1000, accounts)
                    index = range.upperBound
                    _ = try tx.recorded(at: at).record(
                        batch: Self.batch(range, round: round, at: at), sourceID: source, runID: nil)
                }
            }
        }
        try database.close()
    }

    /// The observations of accounts `range` in `round`, each with the response it came from.
    static func batch(_ range: Range<Int>, round: Int, at: Instant) -> [PendingObservation] {
        range.map { i in
            let (observation, raw, hash) = fetched(account: i, round: round, at: at)
            return PendingObservation(observation, raw: raw, contentHash: hash)
        }
    }

    /// Account `i`'s observation in `round`, the response it came from and its content hash. The response body
    /// stands for what the network brings; the hash is computed once, as a sync does before the write.
    static func fetched(account i: Int, round: Int, at: Instant) -> (BalanceObservation, RawResponseRecord, String) {
        let observation = benchObservation(account: i, round: round, at: at)
        let content = observation.contentJSONBytes
        let raw = RawResponseRecord(
            method: "GET", url: "/credit?org_id=\(i + 1)", action: nil, httpStatus: 200, dateHeaderAt: at,
            receivedAt: at, requestID: nil, body: content)
        return (observation, raw, sha256Hex(content))
    }
}

/// The same rows as CSV, for the sqlite3 shell's `.import` (the limit for getting rows into SQLite).
func writeImportCSV(path: String, accounts: Int, rounds: Int) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw BenchError("cannot create \(path) for the .import limit")
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let start = Instant(year: 2026, month: 11, day: 1)
    for round in 0..<rounds {
        let at = start.adding(seconds: Int64(round) * 3600)
        var chunk = ""
        for i in 0..<accounts {
            let o = benchObservation(account: i, round: round, at: at)
            let parts = o.figures.availableBalance!.storedParts
            chunk += "\(o.account),\(at.millisecondsSinceEpoch),CNY,\(parts.whole),\(parts.nanos),\(o.contentHash)\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }
}

/// Child (not measured): a ledger of `accounts` ModelRouter accounts with `versions` daily versions each, written
/// with set-based SQL so that query and export benchmarks start from a large store quickly.
struct SeedVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-versions", shouldDisplay: false)
    @Option var db: String
    @Option var accounts: Int
    @Option var versions: Int

    func run() async throws {
        let database = try LedgerDatabase.open(path: db, logger: quietLogger)
        try await database.seedSyntheticHistory(
            accounts: accounts, versions: versions, from: Instant(year: 2026, month: 10, day: 1))
        try database.close()
    }
}

/// Child: one export, as `ledgersync export --format csv` does it.
struct ExportOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-once", shouldDisplay: false)
    @Option var db: String
    @Option var from: String
    @Option var to: String
    @Option var out: String

    func run() async throws {
        let reader = try LedgerReader.open(path: db)
        defer { try? reader.close() }
        try await ReportExporter.writeCSV(
            reader: reader,
            parameters: ReportParameters(
                from: try Instant(iso8601: from), to: try Instant(iso8601: to), staleAfterSeconds: 365 * 86_400),
            to: out)
    }
}

/// As-of latencies measured in this process on a seeded store, with the plans SQLite chose.
func asOfLatencies(
    db: String, accounts: Int, versions: Int, samples: Int, sourceSamples: Int
) throws
    -> (one: [Double], source: [Double], plans: [String])
{
    let reader = try LedgerReader.open(path: db)
    defer { try? reader.close() }
    var random = SplitMix64(seed: 7)
    let start = Instant(year: 2026, month: 10, day: 1).millisecondsSinceEpoch
    func instant() -> Instant {
        Instant(millisecondsSinceEpoch: start + Int64(random.next() % UInt64(versions)) * 86_400_000 + 43_200_000)
    }
    var one: [Double] = []
    for sample in 0..<samples {
        let key = String(100_000 + 1 + Int(random.next() % UInt64(accounts)))
        let asOf = sample % 2 == 0 ? AsOf(valid: instant()) : AsOf(recorded: instant())
        let began = DispatchTime.now().uptimeNanoseconds
        let rows = try reader.balances(asOf: asOf, filter: QueryFilter(accounts: [key]), page: PageRequest(limit: 10))
            .rows
        one.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
        guard rows.count == 1 else { throw BenchError("as-of for account \(key) returned \(rows.count) rows") }
    }
    var source: [Double] = []
    for _ in 0..<sourceSamples {
        let began = DispatchTime.now().uptimeNanoseconds
        let rows = try reader.balances(asOf: AsOf(valid: instant()), filter: QueryFilter(sources: ["mr"]), page: .all)
            .rows
        source.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
        guard rows.count == accounts else { throw BenchError("as-of for the source returned \(rows.count) rows") }
    }
    let plans = try [
        "SELECT id FROM balance_version WHERE account_id = 1 AND superseded_at IS NULL AND valid_from <= 0 ORDER BY valid_from DESC LIMIT 1",
        "SELECT id FROM balance_version WHERE account_id = 1 AND recorded_at <= 0 AND (superseded_at IS NULL OR superseded_at > 0) ORDER BY valid_from DESC, recorded_at DESC LIMIT 1",
        "SELECT a.id FROM source_instance AS s JOIN account AS a ON a.source_id = s.id WHERE s.name = 'mr' AND a.account_key = '100001'",
    ].map { sql in
        try reader.sql("EXPLAIN QUERY PLAN " + sql).rows.compactMap { row -> String? in
            if case .text(let detail) = row.last { return detail }
            return nil
        }.joined(separator: "; ")
    }
    return (one, source, plans)
}
