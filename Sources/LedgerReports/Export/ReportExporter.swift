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
        let files = try contents(report, formats: formats, excel: excel)
        var entries: [JSONValue] = []
        for file in files {
            let bytes = Array(file.text.utf8)
            try writeAtomically(bytes, to: directory + "/" + file.name)
            entries.append(
                .object(
                    JSONObject([
                        ("name", .string(file.name)), ("rows", .number(String(file.rows))),
                        ("bytes", .number(String(bytes.count))), ("sha256", .string(sha256Hex(bytes))),
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
        try writeAtomically(Array((manifest.jsonText + "\n").utf8), to: directory + "/manifest.json")
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
        var files: [(name: String, rows: Int, text: String)] = []
        let zone = report.parameters.zone
        if formats.contains(.csv) {
            files.append(
                ("statements.csv", report.statements.count, report.statementsTable.csv(zone: zone, excel: excel)))
            files.append(("invariants.csv", report.checks.count, report.checksTable.csv(zone: zone, excel: excel)))
            files.append(
                ("exceptions.csv", report.exceptions.count, report.exceptionsTable.csv(zone: zone, excel: excel)))
            let totals = try report.controlTotalsTable
            files.append(("control_totals.csv", totals.rows.count, totals.csv(zone: zone, excel: excel)))
            if let matching = report.matchingTable {
                files.append(("matching.csv", matching.rows.count, matching.csv(zone: zone, excel: excel)))
            }
        }
        if formats.contains(.json) {
            files.append(("report.json", report.statements.count, try report.json()))
        }
        if formats.contains(.html) {
            files.append(("report.html", report.statements.count, try report.html()))
        }
        return files
    }

    private static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw ExportError(path: path, reason: "the file could not be created")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ExportError(path: path, reason: reason)
        }
    }
}
