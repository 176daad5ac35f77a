import Foundation
import GRDB
import LedgerCore
import LedgerReports
import LedgerSimulator
import LedgerStore
import LedgerTestSupport
@testable import LedgerSync
import Testing

@Suite("Exact amounts at any scale, through a real sync")
struct ExactAmountSyncTests {
    /// The simulator's fifth ModelRouter client keeps its balance in tokens.
    static let tokensClient: Int64 = 1005

    /// The `amount`, `unit` and `scale` of a JSON amount object.
    static func amounts(_ json: String, field: String) throws -> [(amount: String, unit: String, scale: String)] {
        guard case .array(let rows) = try JSONValue.parse(Array(json.utf8)) else { return [] }
        return rows.compactMap { row in
            guard case .object(let object) = row, case .object(let amount)? = object[field],
                case .string(let text)? = amount["amount"], case .string(let unit)? = amount["unit"],
                case .number(let scale)? = amount["scale"]
            else { return nil }
            return (text, unit, scale)
        }
    }

    @Test("0.000123, 0.00000001 and 12345678901234.5678 tokens are held exactly; SUM over the unit is exact")
    func tokensAtAnyScale() async throws {
        try await withSyncHarness(SimulatorConfiguration(changePercent: 0)) { harness in
            let texts = ["0.000123", "0.00000001", "12345678901234.5678"]
            for text in texts {
                #expect(
                    harness.simulator.world.setClientBalance(Self.tokensClient, to: try FixedDecimal(parsing: text)))
                let report = try await harness.sync()
                #expect(report.status == .complete, "\(report.summary)")
            }
            #expect(try harness.count("SELECT count(*) FROM quarantine") == 0)

            let reader = try LedgerReader.open(path: harness.databasePath)
            defer { try? reader.close() }
            #expect(try reader.unitScales().scale(of: .tokens) == 8)
            var options = QueryOptions()
            options.format = .json
            options.filter.accounts = [String(Self.tokensClient)]
            let history = try await QueryRunner.run(.history, reader: reader, options: options)
            let figures = try Self.amounts(history.text, field: "available_balance")
            // The three balances this test set, after the opening recharge the simulator started with, each at the
            // unit's scale (8), each exact.
            #expect(figures.suffix(3).map(\.amount) == ["0.00012300", "0.00000001", "12345678901234.56780000"])
            #expect(figures.allSatisfy { $0.unit == "tokens" && $0.scale == "8" })
            for (figure, text) in zip(figures.suffix(3), texts) {
                #expect(try FixedDecimal(parsing: figure.amount) == FixedDecimal(parsing: text))
            }
            // The movements that took the balance there are exact too.
            options.format = .csv
            let movements = try await QueryRunner.run(.movements, reader: reader, options: options).text
            // 0.000123 → 0.00000001 → 12345678901234.5678: two adjustments, each exact at the unit's scale.
            #expect(movements.contains(",adjust,tokens,-0.00012299,0.00012300,0.00000001,"), "\(movements)")
            #expect(
                movements.contains(",adjust,tokens,12345678901234.56779999,0.00000001,12345678901234.56780000,"),
                "\(movements)")

            // SUM over the unit in SQL, both parts, against an independent decimal sum of every tokens figure the
            // ledger holds (parsed from the JSON of `query history`, added as digit strings).
            let sums = try harness.row(
                """
                SELECT sum(available_balance_whole) AS whole, sum(available_balance_nanos) AS nanos
                FROM balance_version WHERE unit = 'tokens'
                """)
            let total = try FixedDecimal(summingWhole: sums["whole"], nanos: sums["nanos"])
            options.format = .json
            options.filter.accounts = []
            options.filter.units = ["tokens"]
            options.page = .all
            let everyTokens = try Self.amounts(
                try await QueryRunner.run(.history, reader: reader, options: options).text, field: "available_balance")
            #expect(
                everyTokens.count == (try harness.count("SELECT count(*) FROM balance_version WHERE unit = 'tokens'")))
            #expect(total.formatted(scale: 8) == DecimalText.sum(everyTokens.map(\.amount)))
        }
    }

    @Test("A 40-digit balance is quarantined with the account, the field and the value; the rest syncs")
    func beyondRange() async throws {
        try await withSyncHarness(SimulatorConfiguration(changePercent: 0)) { harness in
            let forty = "1234567890123456789012345678901234567890"
            harness.simulator.faults.add(
                FaultRule(
                    .literalAmount, source: .modelRouter, target: String(Self.tokensClient), amount: forty))
            let report = try await harness.sync()
            #expect(report.status != .complete)
            let reason = try harness.string("SELECT reason FROM quarantine")
            #expect(
                reason.contains("balance") && reason.contains(forty) && reason.contains("outside the range"),
                "\(reason)")
            #expect(try harness.string("SELECT target FROM quarantine") == String(Self.tokensClient))
            // Every other account has its version; nothing of the quarantined payload but its raw bytes is kept.
            #expect(try harness.count("SELECT count(*) FROM balance_version") == 13)
            #expect(
                try harness.count(
                    """
                    SELECT count(*) FROM balance_version v JOIN account a ON a.id = v.account_id
                    WHERE a.mr_client_id = \(Self.tokensClient)
                    """) == 0)
        }
    }

    @Test("rebuild re-derives the same exact figures and unit scales from the stored raw responses")
    func rebuildKeepsScales() async throws {
        try await withSyncHarness(SimulatorConfiguration(changePercent: 0)) { harness in
            for text in ["0.000123", "0.00000001", "-5.5", "1.2E7"] {
                harness.simulator.world.setClientBalance(Self.tokensClient, to: try FixedDecimal(parsing: text))
                _ = try await harness.sync()
            }
            let database = try LedgerDatabase.open(path: harness.databasePath, logger: SyncHarness.quiet)
            let before = try database.normalizedDigest()
            let history = try LedgerReader(database).history(includeSuperseded: false, page: .all).rows
                .map { "\($0.account.key) \($0.availableBalance?.description ?? "-")" }
            #expect(
                history.contains("1005 0.00000001") && history.contains("1005 -5.5000")
                    && history.contains("1005 12000000.0000"))
            _ = try await Rebuilder(
                configuration: try harness.configuration(), database: database,
                logger: SyncHarness.quiet
            ).run()
            #expect(try database.normalizedDigest() == before)
            #expect(
                try LedgerReader(database).history(includeSuperseded: false, page: .all).rows
                    .map { "\($0.account.key) \($0.availableBalance?.description ?? "-")" } == history)
            #expect(try LedgerReader(database).unitScales().scale(of: .tokens) == 8)
            try database.close()
        }
    }
}
