import Foundation
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

@testable import LedgerReports

@Suite("Reconciliation export streamed to files")
struct StreamedExportTests {
    /// Every file of a directory by name.
    static func files(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    @Test(
        "Streamed a chunk of accounts at a time (exceptions spilled by kind), every file and the manifest are the whole report's, byte for byte",
        arguments: [(1, false), (2, true), (3, false), (300, true)])
    func sameBytes(chunk: Int, excel: Bool) async throws {
        let scratch = try TemporaryDirectory()
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let statement = try StatementFile.parse(ExportTests.statementCSV, name: "bank.csv", zone: .utc)
        // The whole fixture: accounts with and without an opening, several versions, a gone one, exceptions.
        let parameters = ReportParameters(from: ReportFixture.day(18), to: ReportFixture.day(21))
        let whole = try await Reconciler.report(reader: reader, parameters: parameters, statement: statement)
        #expect(whole.statements.count > 3 && whole.checks.count > whole.statements.count)
        // Exceptions found account by account (spilled kind by kind) and from the sync, both.
        let kinds = Set(whole.exceptions.map(\.kind))
        #expect(kinds.count >= 3 && kinds.contains(.fetchFailed) && kinds.contains(.invariantFailed), "\(kinds)")
        let expectedNames = try ReportExporter.write(
            whole, to: scratch.file("whole"), formats: [.csv], excel: excel)

        let (names, streamed) = try await ReportExporter.writeCSV(
            reader: reader, parameters: parameters, statement: statement, to: scratch.file("streamed"), excel: excel,
            historyChunk: chunk)
        #expect(names == expectedNames)
        let expected = try Self.files(scratch.file("whole"))
        let written = try Self.files(scratch.file("streamed"))
        #expect(written.keys.sorted() == expected.keys.sorted())
        for name in expected.keys.sorted() {
            #expect(written[name] == expected[name], "\(name), chunks of \(chunk)")
        }
        // The streamed report keeps no lines, only their tallies, which are the whole report's.
        #expect(streamed.statements.isEmpty && streamed.checks.isEmpty)
        #expect(streamed.tallies == whole.tallies)
        #expect(streamed.tallies.statements == whole.statements.count)
        #expect(streamed.isClean == whole.isClean)
        // Without its lists, a report with exceptions counted is still not clean: cleanliness comes from the tallies.
        var stripped = whole
        stripped.exceptions = []
        stripped.matching = nil
        #expect(!stripped.isClean)
        // Its exceptions are the sync's own (fetch failures, conflicts); the rest went to the file as found.
        let fromSync: Set<ReportException.Kind> = [.fetchFailed, .conflict]
        #expect(streamed.tallies.exceptions == whole.exceptions.count)
        #expect(streamed.exceptions.map(\.id) == whole.exceptions.filter { fromSync.contains($0.kind) }.map(\.id))
    }

    @Test("A file that cannot be written leaves nothing under its real name")
    func failureLeavesNoFile() async throws {
        let scratch = try TemporaryDirectory()
        let reader = try LedgerReader.open(path: try await FixtureLedger.shared.path())
        defer { try? reader.close() }
        let directory = scratch.file("out")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // invariants.csv.partial cannot be created: a directory of that name is in the way.
        try FileManager.default.createDirectory(
            atPath: directory + "/invariants.csv.partial", withIntermediateDirectories: true)
        let parameters = ReportParameters(from: ReportFixture.day(18), to: ReportFixture.day(21))
        await #expect(throws: ExportError.self) {
            try await ReportExporter.writeCSV(reader: reader, parameters: parameters, to: directory)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == ["invariants.csv.partial"])
    }
}
