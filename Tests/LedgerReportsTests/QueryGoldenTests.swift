import Foundation
import LedgerCore
import LedgerReports
import LedgerStore
import Testing

@Suite("Query golden outputs")
struct QueryGoldenTests {
    @Test("every query in every format matches its golden file", arguments: QueryKind.allCases)
    func goldens(kind: QueryKind) async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        for format in ReportTable.Format.allCases {
            var options = QueryOptions()
            options.format = format
            let output = try await QueryRunner.run(kind, reader: reader, options: options)
            let ext = format == .table ? "txt" : format.rawValue
            try Golden.check(output.text, "query-\(kind.rawValue).\(ext)")
        }
    }

    @Test("as-of on both axes, changes in another zone, and sql, match their golden files")
    func asOfGoldens() async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        var options = QueryOptions()
        // Valid time 2026-11-18T20:00Z: the late arrival (900 from 18:00) is the answer for client 17.
        options.asOf = AsOf(valid: ReportFixture.day(18, 20))
        try Golden.check(
            try await QueryRunner.run(.balances, reader: reader, options: options).text,
            "query-balances-valid-18T20.txt")
        // Recorded time 2026-11-19T12:00Z, valid 18T20: before the late arrival was learned, the answer is 1000.
        options.asOf = AsOf(valid: ReportFixture.day(18, 20), recorded: ReportFixture.day(19, 12))
        try Golden.check(
            try await QueryRunner.run(.balances, reader: reader, options: options).text, "query-balances-bitemporal.txt"
        )
        options.asOf = .now
        options.zone = try DisplayZone("Asia/Taipei")
        options.axis = .recorded
        try Golden.check(
            try await QueryRunner.run(.changes, reader: reader, options: options).text,
            "query-changes-recorded-taipei.txt")
        options.format = .csv
        try Golden.check(
            try await QueryRunner.sql(
                "SELECT a.account_key, a.display_name, count(*) AS versions FROM account a JOIN balance_version v ON v.account_id = a.id GROUP BY a.id ORDER BY a.account_key",
                reader: reader, options: options
            ).text,
            "query-sql.csv")
    }

    @Test("the as-of answers in the goldens are the ones the fixture's story implies")
    func asOfFacts() async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let client17 = QueryFilter(accounts: ["17"])
        func balance(_ asOf: AsOf) throws -> String? {
            try reader.balances(asOf: asOf, filter: client17).rows.first?.availableBalance?.description
        }
        #expect(try balance(.now) == "800.0000")
        #expect(try balance(AsOf(valid: ReportFixture.day(18, 12))) == "1000.0000")
        #expect(try balance(AsOf(valid: ReportFixture.day(18, 20))) == "900.0000")
        #expect(try balance(AsOf(valid: ReportFixture.day(18, 20), recorded: ReportFixture.day(19, 12))) == "1000.0000")
        #expect(try balance(AsOf(recorded: ReportFixture.day(18, 12))) == "1000.0000")
        #expect(try balance(AsOf(valid: ReportFixture.day(17))) == nil)
        let totals = try reader.totals()
        // Units are never added together: CNY and tokens of ModelRouter are separate rows.
        #expect(
            totals.map { "\($0.source) \($0.unit) \($0.accounts) \($0.availableBalance)" } == [
                "dms CNY 2 250.0000", "modelrouter CNY 1 800.0000", "modelrouter tokens 1 500000.0000",
                "twcc SU 1 5000.0000",
            ])
    }
}
