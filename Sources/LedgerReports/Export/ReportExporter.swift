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
        try createDirectory(directory)
        var entries: [JSONValue] = []
        let files = try files(report, formats: formats, excel: excel)
        for file in files {
            let (count, digest) = try writeAtomically(file, to: directory + "/" + file.name)
            entries.append(manifestEntry(file.name, rows: file.rows, bytes: count, sha256: digest))
        }
        try writeManifest(report, excel: excel, entries: entries, to: directory)
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
                csv("statements.csv", report.statements, ReconciliationReport.statementColumns) {
                    ReconciliationReport.statementRow($0, scales: report.scales)
                })
            files.append(
                csv("invariants.csv", report.checks, ReconciliationReport.checkColumns, ReconciliationReport.checkRow))
            files.append(
                csv(
                    "exceptions.csv", report.exceptions, ReconciliationReport.exceptionColumns,
                    ReconciliationReport.exceptionRow))
            files.append(whole("control_totals.csv", report.controlTotalsTable))
            if let matching = report.matchingTable { files.append(whole("matching.csv", matching)) }
        }
        if formats.contains(.json) { files.append(text("report.json") { try report.json() }) }
        if formats.contains(.html) { files.append(text("report.html") { try report.html() }) }
        return files
    }

    /// Writes a file to a temporary name piece by piece, hashing as it goes, then renames it into place.
    /// - Returns: The file's size and SHA-256 (hex).
    static func writeAtomically(_ file: ExportFile, to path: String) throws -> (Int, String) {
        let partial = try PartialFile(path)
        do {
            var out = ExportOutput { try partial.write($0) }
            try file.write(&out)
            try out.finish()
            return try partial.commit()
        } catch {
            partial.discard()
            throw ExportError(wrapping: error, path: path)
        }
    }

    static func createDirectory(_ directory: String) throws(ExportError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: directory, reason: "\(error.localizedDescription)")
        }
    }

    static func manifestEntry(_ name: String, rows: Int, bytes: Int, sha256: String) -> JSONValue {
        .object(
            JSONObject([
                ("name", .string(name)), ("rows", .number(String(rows))), ("bytes", .number(String(bytes))),
                ("sha256", .string(sha256)),
            ]))
    }

    /// `manifest.json`, written last: the parameters, the summary, the control totals and each file's entry.
    static func writeManifest(
        _ report: ReconciliationReport, excel: Bool, entries: [JSONValue], to directory: String
    ) throws {
        let manifest = JSONValue.object(
            JSONObject([
                ("schema", .string(manifestSchema)), ("report_schema", .string(ReconciliationReport.jsonSchema)),
                ("ledger_schema", .string(report.schemaVersion)), ("chain_head", report.chainHead.json),
                ("parameters", report.parametersJSON),
                ("excel", .bool(excel)), ("summary", report.summaryJSON),
                ("control_totals", report.controlTotalsJSON),
                ("files", .array(entries)),
            ]))
        let manifestText = manifest.jsonText + "\n"
        _ = try writeAtomically(
            ExportFile(name: "manifest.json", rows: 0) { $0.pending.append(contentsOf: manifestText.utf8) },
            to: directory + "/manifest.json")
    }
}

extension ExportError {
    /// `error` as an export error about `path` (kept as it is when it is one already).
    init(wrapping error: any Error, path: String) {
        if let error = error as? ExportError {
            self = error
        } else {
            self.init(path: path, reason: "\(error.localizedDescription)")
        }
    }
}

/// A file written under a temporary name (`.partial`), hashed as it is written, and renamed into place only once
/// complete: a reader never sees half a file under its real name.
final class PartialFile {
    let path: String
    private let temporary: String
    private let handle: FileHandle
    private var hash = SHA256()
    private var count = 0

    init(_ path: String) throws(ExportError) {
        self.path = path
        temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw ExportError(path: path, reason: "the file could not be created")
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws {
        hash.update(data: bytes)
        count += bytes.count
        try handle.write(contentsOf: bytes)
    }

    /// Flushes the file to disk and renames it into place.
    /// - Returns: Its size and SHA-256 (hex).
    func commit() throws -> (Int, String) {
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            throw ExportError(path: path, reason: String(cString: strerror(errno)))
        }
        return (count, lowercaseHex(hash.finalize()))
    }

    /// Removes the temporary file.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
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
