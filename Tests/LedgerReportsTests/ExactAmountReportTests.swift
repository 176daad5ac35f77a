import Foundation
import LedgerCore
import LedgerSimulator
import LedgerReports
import LedgerStore
import LedgerTestSupport
import Logging
import Testing

@Suite("Exact amounts in queries and exports")
struct ExactAmountReportTests {
    static let logger = Logger(label: "exact-amount-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Writes one DMS credit observation per (org, balance) at `at`, through the real write path. DMS has no
    /// movement log, so a statement's movements are its version changes.
    static func record(
        _ database: LedgerDatabase, _ balances: [(org: Int64, unit: MoneyUnit, text: String)],
        at: Instant
    ) async throws {
        try await database.transaction(at: at) { tx in
            let source = try tx.sourceID(name: "dms", kind: .dmsCredit)
            for (org, unit, text) in balances {
                let observation = BalanceObservation(
                    account: .dmsCredit(orgID: org, orgType: 2), displayName: "org \(org)", sourceModifiedAt: nil,
                    observedAt: at,
                    figures: BalanceFigures(unit: unit, availableBalance: try FixedDecimal(parsing: text)),
                    details: .dmsCredit(
                        DMSCreditDetails(
                            availableAmount: nil, totalUsedLimit: nil, isUnlimitedCredit: true, isExpired: false,
                            settingCredit: nil, creditMode: nil, accountDays: nil, accountDaysText: nil,
                            creditEndTime: nil,
                            orgType: 2, isCheckedName: nil)))
                _ = try tx.record(
                    observation, raw: ReportFixture.raw("\(org) \(text)", at: at), sourceID: source,
                    runID: nil)
            }
        }
    }

    /// A random decimal text with 0–8 fractional digits, as a source could send it.
    static func randomText(_ generator: inout SplitMix64) -> String {
        let negative = generator.next() % 4 == 0
        let integer = generator.next() % 10_000_000_000
        let digits = Int(generator.next() % 9)
        var fraction = ""
        for _ in 0..<digits { fraction += String(generator.next() % 10) }
        return (negative ? "-" : "") + String(integer) + (digits > 0 ? "." + fraction : "")
    }

    @Test("10,000 random amounts with 0–8 fractional digits come back byte-identical from query and export")
    func randomAmounts() async throws {
        let directory = try TemporaryDirectory()
        let database = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: Self.logger)
        var generator = SplitMix64(seed: 0xE8AC7)
        let count = 10_000
        let opening = (0..<count).map { _ in Self.randomText(&generator) }
        // One value with all eight digits, so the unit's scale is 8 whatever the random draw.
        let closing = ["0.00000001"] + (1..<count).map { _ in Self.randomText(&generator) }
        let day1 = Instant(year: 2026, month: 11, day: 1)
        let day3 = Instant(year: 2026, month: 11, day: 3)
        try await Self.record(database, (0..<count).map { (Int64($0 + 1), .tokens, opening[$0]) }, at: day1)
        try await Self.record(database, (0..<count).map { (Int64($0 + 1), .tokens, closing[$0]) }, at: day3)
        try database.close()

        let reader = try LedgerReader.open(path: directory.file("ledger.sqlite"))
        defer { try? reader.close() }
        #expect(try reader.unitScales().scale(of: .tokens) == 8)
        // Every amount of the unit is written at its scale: the source's text padded with zeros, nothing else.
        // Rows come in account-key order ("101:2" < "11:2"), so the expectations follow that order.
        let order = (0..<count).sorted { "\($0 + 1):2" < "\($1 + 1):2" }
        let expectedOpening = order.map { DecimalText.padded(opening[$0], scale: 8) }
        let expectedClosing = order.map { DecimalText.padded(closing[$0], scale: 8) }

        var options = QueryOptions()
        options.page = .all
        options.format = .csv
        options.asOf = AsOf(valid: day1)
        let openingCSV = try await QueryRunner.run(.balances, reader: reader, options: options).text
        #expect(Self.column("available_balance", of: openingCSV) == expectedOpening)
        options.asOf = .now
        options.format = .json
        let closingJSON = try await QueryRunner.run(.balances, reader: reader, options: options).text
        let figures = try Self.jsonAmounts(closingJSON, field: "available_balance")
        #expect(figures.map(\.amount) == expectedClosing)
        #expect(figures.allSatisfy { $0.scale == "8" })

        // The export's statements: opening and reported closing as stored, the movement exactly their difference.
        let report = try await Reconciler.report(
            reader: reader,
            parameters: ReportParameters(
                from: Instant(year: 2026, month: 11, day: 2), to: Instant(year: 2026, month: 11, day: 4),
                staleAfterSeconds: 30 * 86_400))
        let statements = report.statementsTable.csv()
        #expect(Self.column("opening", of: statements) == expectedOpening)
        #expect(Self.column("reported_closing", of: statements) == expectedClosing)
        #expect(report.statements.allSatisfy { $0.status == .ok })
        // And the control totals, against sums of the source texts done on digit strings.
        let totals = try #require(report.controlTotals.first)
        #expect(totals.opening.formatted(scale: 8) == DecimalText.sum(opening))
        #expect(totals.closing.formatted(scale: 8) == DecimalText.sum(closing))
        #expect(try totals.opening.adding(totals.movements) == totals.closing)
    }

    @Test("Control totals roll forward: opening + movements = closing; accounts without an opening apart")
    func controlTotalsRollForward() async throws {
        let directory = try TemporaryDirectory()
        let database = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: Self.logger)
        let cny = try MoneyUnit("CNY")
        let day = { (d: Int) in Instant(year: 2026, month: 11, day: d) }
        // A and C have a balance before the period; B first appears inside it.
        try await Self.record(database, [(1, cny, "100.00"), (3, cny, "10")], at: day(1))
        try await Self.record(database, [(1, cny, "80.50"), (2, cny, "40.25"), (3, cny, "10.125")], at: day(3))
        try database.close()
        let reader = try LedgerReader.open(path: directory.file("ledger.sqlite"))
        defer { try? reader.close() }
        let report = try await Reconciler.report(
            reader: reader,
            parameters: ReportParameters(
                from: day(2), to: day(4), staleAfterSeconds: 30 * 86_400))
        let totals = report.controlTotals
        #expect(totals.count == 1)
        let t = try #require(totals.first)
        #expect(t.accounts == 2)
        #expect(t.opening.description == "110.0000")
        #expect(t.movements.description == "-19.3750")
        #expect(t.closing.description == "90.6250")
        #expect(try t.opening.adding(t.movements) == t.closing)
        #expect(t.reportedClosing == t.closing && t.difference == .zero && t.missingClosing == 0)
        #expect(t.noOpening.accounts == 1 && t.noOpening.reportedClosing.description == "40.2500")

        // The same figures in every file of the export.
        let out = directory.file("export")
        try ReportExporter.write(report, to: out)
        let csv = try String(contentsOfFile: out + "/control_totals.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").last == "CNY,2,110.0000,-19.3750,90.6250,90.6250,0.0000,0,1,0.0000,40.2500")
        let json = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        #expect(
            json.contains(
                #""unit":"CNY","accounts":2,"opening":{"amount":"110.0000","unit":"CNY","scale":4},"#
                    + #""movements":{"amount":"-19.3750","unit":"CNY","scale":4},"closing":{"amount":"90.6250""#))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains(#"<td class="n">110.0000</td><td class="n">-19.3750</td><td class="n">90.6250</td>"#))
    }

    /// The values of one CSV column (no field here holds a comma or a quote).
    static func column(_ name: String, of csv: String) -> [String] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let index = lines.first?.firstIndex(of: Substring(name)) else { return [] }
        return lines.dropFirst().map { String($0[index]) }
    }

    static func jsonAmounts(_ json: String, field: String) throws -> [(amount: String, scale: String)] {
        guard case .array(let rows) = try JSONValue.parse(Array(json.utf8)) else { return [] }
        return rows.compactMap { row in
            guard case .object(let object) = row, case .object(let amount)? = object[field],
                case .string(let text)? = amount["amount"], case .number(let scale)? = amount["scale"]
            else { return nil }
            return (text, scale)
        }
    }
}
