import Crypto
import Foundation
import LedgerCore
@testable import LedgerReports
import LedgerStore
import Testing

@Suite("Reconciliation export")
struct ExportTests {
    static let statementCSV = """
        source,account,unit,amount,as_of
        dms,101:2,CNY,150.00,2026-11-20
        twcc,MST000001/W0000,SU,4999.5,2026-11-20T00:00:00Z
        dms,999:2,CNY,10,2026-11-20
        dms,101:2,CNY,150,2026-11-20
        modelrouter,17,CNY,abc,2026-11-20
        modelrouter,18,CNY,500000,2026-11-20
        twcc,MST000001/W0001,SU,1100,not-a-date

        """

    static func report(statement: Bool = true) async throws -> ReconciliationReport {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let file = statement ? try StatementFile.parse(statementCSV, name: "bank.csv", zone: .utc) : nil
        return try await Reconciler.report(
            reader: reader,
            parameters: ReportParameters(
                from: ReportFixture.day(19), to: ReportFixture.day(20)), statement: file)
    }

    @Test("versions read a chunk of accounts at a time give the same report as one read, at any chunk size")
    func pagedHistory() async throws {
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let file = try StatementFile.parse(Self.statementCSV, name: "bank.csv", zone: .utc)
        // The whole fixture: every account has versions, some several, and one goes.
        let parameters = ReportParameters(from: ReportFixture.day(18), to: ReportFixture.day(21))
        let whole = try await Reconciler.report(
            reader: reader, parameters: parameters, statement: file, historyChunk: 900)
        #expect(
            whole.series.values.map(\.count).reduce(0, +) > whole.statements.count * 2, "versions inside the period")
        for size in [1, 2, 3, 7] {
            let paged = try await Reconciler.report(
                reader: reader, parameters: parameters, statement: file, historyChunk: size)
            #expect(try paged.json() == whole.json(), "chunks of \(size)")
            #expect(paged.series == whole.series, "chunks of \(size)")
        }
        // Charts only for the accounts the HTML draws.
        var limited = parameters
        limited.htmlChartLimit = 2
        let charted = try await Reconciler.report(reader: reader, parameters: limited, statement: file)
        #expect(charted.series.count == 2)
        #expect(Set(charted.series.keys) == Set(charted.statements.prefix(2).map(\.account.accountID)))
    }

    @Test("CSV files written a few rows at a time are the whole tables' CSV, with and without --excel")
    func chunkedCSV() async throws {
        let report = try await Self.report()
        #expect(report.checks.count > 7 && report.statements.count > 3)
        for excel in [false, true] {
            let zone = report.parameters.zone
            let whole = [
                "statements.csv": report.statementsTable.csv(zone: zone, excel: excel),
                "invariants.csv": report.checksTable.csv(zone: zone, excel: excel),
                "exceptions.csv": report.exceptionsTable.csv(zone: zone, excel: excel),
            ]
            for chunk in [1, 2, 3, 7, 4_096] {
                let files = try ReportExporter.contents(report, formats: [.csv], excel: excel, chunk: chunk)
                for (name, text) in whole {
                    #expect(files.first { $0.name == name }?.text == text, "\(name), chunks of \(chunk)")
                }
            }
        }
        // An empty list is its header alone.
        var empty = report
        empty.exceptions = []
        let files = try ReportExporter.contents(empty, formats: [.csv], excel: false, chunk: 2)
        #expect(files.first { $0.name == "exceptions.csv" }?.text.split(separator: "\n").count == 1)
    }

    @Test("every export file, the manifest and check's output match their golden files")
    func goldens() async throws {
        let report = try await Self.report()
        let directory = try TemporaryDirectory()
        let files = try ReportExporter.write(report, to: directory.path)
        #expect(
            files == [
                "statements.csv", "invariants.csv", "exceptions.csv", "control_totals.csv", "matching.csv",
                "report.json", "report.html", "manifest.json",
            ])
        for file in files {
            try Golden.check(try String(contentsOfFile: directory.file(file), encoding: .utf8), "export-\(file)")
        }
        try Golden.check(report.checkLines.joined(separator: "\n") + "\n", "check.txt")
        try Golden.check(try report.checkJSON(), "check.json")
    }

    @Test("the same database and parameters give byte-identical files, and the manifest hashes them")
    func determinism() async throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let names = try ReportExporter.write(try await Self.report(), to: first.path, excel: true)
        _ = try ReportExporter.write(try await Self.report(), to: second.path, excel: true)
        func hash(_ path: String) throws -> String {
            SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }
                .joined()
        }
        for name in names { #expect(try hash(first.file(name)) == hash(second.file(name)), "\(name)") }
        let manifest = try JSONValue.parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: first.file("manifest.json")))))
        guard case .object(let object)? = Optional(manifest), case .array(let entries)? = object["files"] else {
            Issue.record("manifest has no files")
            return
        }
        #expect(entries.count == names.count - 1)
        for case .object(let entry) in entries {
            guard case .string(let name)? = entry["name"], case .string(let sha)? = entry["sha256"] else { continue }
            #expect(try hash(first.file(name)) == sha, "\(name)")
        }
        // No partial files are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: first.path).filter {
            $0.hasSuffix(".partial")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("statement matching is one-to-one and reports malformed lines with their numbers")
    func matching() async throws {
        let matching = try #require(try await Self.report().matching)
        func line(_ number: Int) -> StatementMatching.Line? { matching.lines.first { $0.lineNumber == number } }
        #expect(line(2)?.status == .matched)
        #expect(line(3)?.status == .amountMismatch)
        #expect(line(3)?.difference == FixedDecimal("0.5000"))
        #expect(line(4)?.status == .missingInStore)
        // Line 5 is the same balance as line 2: never matched twice.
        #expect(line(5)?.status == .missingInStore)
        #expect(line(5)?.note?.contains("line 2") == true)
        #expect(line(6)?.status == .malformed)
        #expect(line(6)?.note?.contains("amount") == true)
        // Right account, wrong unit: not compared across units.
        #expect(line(7)?.status == .missingInStore)
        #expect(line(7)?.note?.contains("tokens") == true)
        #expect(line(8)?.status == .malformed)
        let missing = matching.lines.filter { $0.status == .missingInStatement }.map(\.account)
        #expect(missing.contains("102:2"))
        #expect(!missing.contains("101:2"))
    }

    @Test("CSV neutralises formula text but never numbers; --excel adds a BOM and CRLF")
    func csvRules() {
        #expect(CSV.field("=SUM(A1)", isText: true) == "'=SUM(A1)")
        #expect(CSV.field("+1", isText: true) == "'+1")
        #expect(CSV.field("-x", isText: true) == "'-x")
        #expect(CSV.field("@cmd", isText: true) == "'@cmd")
        #expect(CSV.field("\tx", isText: true) == "'\tx")
        #expect(CSV.field("\rx", isText: true) == "\"'\rx\"")
        #expect(CSV.field("a,b \"c\"", isText: true) == "\"a,b \"\"c\"\"\"")
        #expect(CSV.field("母錢包", isText: true) == "母錢包")
        let table = ReportTable(
            columns: [.init("name"), .init("amount")],
            rows: [[.text("=HYPERLINK(\"x\")"), .amount(FixedDecimal("-20.5")!, nil)], [.text("子錢包"), .integer(-3)]])
        #expect(table.csv() == "name,amount\n\"'=HYPERLINK(\"\"x\"\")\",-20.5000\n子錢包,-3\n")
        let excel = table.csv(excel: true)
        #expect(Array(excel.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(excel.hasSuffix("子錢包,-3\r\n"))
        #expect(!excel.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // What we write, we read back.
        guard case .success(let records) = CSV.parse(excel) else { return #expect(Bool(false)) }
        #expect(records.map(\.fields) == [["name", "amount"], ["'=HYPERLINK(\"x\")", "-20.5000"], ["子錢包", "-3"]])
    }

    @Test("every value from the data is escaped in the HTML report")
    func htmlEscaping() async throws {
        var report = try await Self.report(statement: false)
        report.statements[0].account.displayName = "<img src=x onerror=alert(1)>"
        report.exceptions[0].message = "</td><script>alert('x')</script>"
        let html = try report.html()
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&lt;/td&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        // Self-contained: nothing is loaded from elsewhere.
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"))
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == report.statements.count)
    }

    @Test("check exits 0 with one line when clean, 1 with a line per finding")
    func checkCommand() async throws {
        let path = try await FixtureLedger.shared.path()
        let dirty = try await CLI.run(["check", "--db", path, "--from", "2026-11-19", "--to", "2026-11-20"])
        #expect(dirty.status == 1)
        let lines = dirty.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "dms/102:2/dms.total_available: expected 800.0000 CNY, got 900.0000 CNY, diff 100.0000 (tol 0.0000)"
                )
            })
        // Tolerances and a selection can make it clean.
        let clean = try await CLI.run([
            "check", "--db", path, "--from", "2026-11-19", "--to", "2026-11-20", "--source", "twcc", "--stale-after",
            "72",
        ])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.split(separator: "\n").count == 1 && clean.stdout.hasPrefix("ok: 2 accounts"))
        let json = try await CLI.run(["check", "--db", path, "--from", "2026-11-19", "--to", "2026-11-20", "--json"])
        #expect(
            json.status == 1 && json.stdout.hasPrefix("{\"schema\":\"ledgersync.reconciliation/2\",\"clean\":false"))
        let bad = try await CLI.run(["check", "--db", path, "--tolerance", "nonsense=1"])
        #expect(bad.status == 2 && bad.stderr.contains("--tolerance \"nonsense=1\""))
        let badStatement = try await CLI.run(["check", "--db", path, "--statement", "/nonexistent.csv"])
        #expect(badStatement.status == 2 && badStatement.stderr.contains("--statement"))
    }
}
