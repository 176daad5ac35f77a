import Crypto
import Foundation
import LedgerCore

/// The files of an export.
public enum ExportFormat: String, Sendable, CaseIterable, Hashable {
    case csv, json, html
}

/// Why an export could not be written.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    /// The file or directory.
    public let path: String
    /// What the system said.
    public let reason: String
    public var description: String { "cannot write the export to \(path): \(reason)" }
}

/// Writes a report's files and a `manifest.json` beside them.
///
/// The same database and parameters give byte-identical files: nothing in them depends on the wall clock, row
/// ids aside, and every list has a fixed order. Each file is written to a temporary name and renamed into place,
/// and the manifest is written last, so a manifest always describes complete files.
public enum ReportExporter {
    /// The manifest's schema id.
    public static let manifestSchema = "ledgersync.export-manifest/1"

    /// Writes the export.
    /// - Parameters:
    ///   - report: The reconciliation report.
    ///   - directory: Where to write (created if missing).
    ///   - formats: Which files.
    ///   - excel: CSV with a UTF-8 BOM and CRLF line ends.
    /// - Returns: The file names written, manifest last.
    /// - Throws: ``ExportError`` when a file cannot be written; `MoneyError` if a control total overflows.
    @discardableResult
    public static func write(
        _ report: ReconciliationReport, to directory: String, formats: Set<ExportFormat> = Set(ExportFormat.allCases),
        excel: Bool = false
    ) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: directory, reason: "\(error.localizedDescription)")
        }
        var entries: [JSONValue] = []
        let files = try files(report, formats: formats, excel: excel)
        for file in files {
            let (count, digest) = try writeAtomically(file, to: directory + "/" + file.name)
            entries.append(
                .object(
                    JSONObject([
                        ("name", .string(file.name)), ("rows", .number(String(file.rows))),
                        ("bytes", .number(String(count))), ("sha256", .string(digest)),
                    ])))
        }
        let manifest = JSONValue.object(
            JSONObject([
                ("schema", .string(manifestSchema)), ("report_schema", .string(ReconciliationReport.jsonSchema)),
                ("ledger_schema", .string(report.schemaVersion)), ("parameters", report.parametersJSON),
                ("excel", .bool(excel)), ("summary", report.summaryJSON),
                ("control_totals", try report.controlTotalsJSON()),
                ("files", .array(entries)),
            ]))
        let manifestText = manifest.jsonText + "\n"
        _ = try writeAtomically(
            ExportFile(name: "manifest.json", rows: 0) { $0.pending.append(contentsOf: manifestText.utf8) },
            to: directory + "/manifest.json")
        return files.map(\.name) + ["manifest.json"]
    }

    /// The report's files in memory, in the order `write` writes them (without the manifest): name, rows, text.
    /// - Parameters:
    ///   - report: The reconciliation report.
    ///   - formats: Which files.
    ///   - excel: CSV with a UTF-8 BOM and CRLF line ends.
    /// - Throws: `MoneyError` if a control total overflows.
    public static func contents(
        _ report: ReconciliationReport, formats: Set<ExportFormat> = Set(ExportFormat.allCases), excel: Bool = false
    ) throws -> [(name: String, rows: Int, text: String)] {
        try contents(report, formats: formats, excel: excel, chunk: csvChunk)
    }

    /// ``contents(_:formats:excel:)`` with CSV rows written `chunk` at a time (tests: any chunk gives the same text).
    static func contents(
        _ report: ReconciliationReport, formats: Set<ExportFormat>, excel: Bool, chunk: Int
    ) throws -> [(name: String, rows: Int, text: String)] {
        try files(report, formats: formats, excel: excel, chunk: chunk).map { file in
            var bytes: [UInt8] = []
            var out = ExportOutput { bytes.append(contentsOf: $0) }
            try file.write(&out)
            try out.finish()
            return (file.name, file.rows, String(decoding: bytes, as: UTF8.self))
        }
    }

    /// One file of an export: its name, its rows, and how to write it in pieces.
    struct ExportFile {
        var name: String
        var rows: Int
        var write: (inout ExportOutput) throws -> Void
    }

    /// Rows of a CSV file made into a table and written this many at a time: the export holds one piece of a file,
    /// never a whole file's table, text and bytes at once.
    static let csvChunk = 4_096

    /// The report's files in the order they are written (without the manifest).
    static func files(
        _ report: ReconciliationReport, formats: Set<ExportFormat>, excel: Bool, chunk: Int = csvChunk
    ) throws -> [ExportFile] {
        let zone = report.parameters.zone
        func csv<Item>(
            _ name: String, _ items: [Item], _ columns: [ReportTable.Column],
            _ row: @escaping (Item) -> [ReportTable.Cell]
        ) -> ExportFile {
            ExportFile(name: name, rows: items.count) { out in
                // An empty list still gets its header: the loop runs once.
                for start in stride(from: 0, to: max(items.count, 1), by: chunk) {
                    let rows = items[start..<min(start + chunk, items.count)].map(row)
                    ReportTable(columns: columns, rows: rows, scales: report.scales)
                        .writeCSV(zone: zone, excel: excel, header: start == 0, to: &out.pending)
                    try out.flushIfLarge()
                }
            }
        }
        func whole(_ name: String, _ table: ReportTable) -> ExportFile {
            ExportFile(name: name, rows: table.rows.count) { out in
                table.writeCSV(zone: zone, excel: excel, to: &out.pending)
            }
        }
        func text(_ name: String, _ make: @escaping () throws -> String) -> ExportFile {
            ExportFile(name: name, rows: report.statements.count) { out in
                out.pending.append(contentsOf: try make().utf8)
            }
        }
        var files: [ExportFile] = []
        if formats.contains(.csv) {
            files.append(
                csv("statements.csv", report.statements, ReconciliationReport.statementColumns, report.statementRow))
            files.append(
                csv("invariants.csv", report.checks, ReconciliationReport.checkColumns, ReconciliationReport.checkRow))
            files.append(
                csv(
                    "exceptions.csv", report.exceptions, ReconciliationReport.exceptionColumns,
                    ReconciliationReport.exceptionRow))
            files.append(whole("control_totals.csv", try report.controlTotalsTable))
            if let matching = report.matchingTable { files.append(whole("matching.csv", matching)) }
        }
        if formats.contains(.json) { files.append(text("report.json") { try report.json() }) }
        if formats.contains(.html) { files.append(text("report.html") { try report.html() }) }
        return files
    }

    /// Writes a file to a temporary name piece by piece, hashing as it goes, then renames it into place.
    /// - Returns: The file's size and SHA-256 (hex).
    private static func writeAtomically(_ file: ExportFile, to path: String) throws -> (Int, String) {
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw ExportError(path: path, reason: "the file could not be created")
        }
        var hash = SHA256()
        var count = 0
        do {
            defer { try? handle.close() }
            var out = ExportOutput { bytes in
                hash.update(data: bytes)
                count += bytes.count
                try handle.write(contentsOf: bytes)
            }
            try file.write(&out)
            try out.finish()
            try handle.synchronize()
        } catch let error as ExportError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ExportError(path: path, reason: "\(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ExportError(path: path, reason: reason)
        }
        return (count, lowercaseHex(hash.finalize()))
    }
}

/// Where a file's bytes gather before they are handed on in pieces of about a mebibyte.
struct ExportOutput {
    var pending: [UInt8] = []
    let sink: ([UInt8]) throws -> Void

    init(_ sink: @escaping ([UInt8]) throws -> Void) { self.sink = sink }

    mutating func flushIfLarge() throws {
        if pending.count >= 1 << 20 { try finish() }
    }

    /// Hands on what is pending.
    mutating func finish() throws {
        guard !pending.isEmpty else { return }
        try sink(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
