import Foundation
import LedgerCore
import LedgerStore

extension ReportExporter {
    /// Reconciles a period and writes its CSV files and manifest as it goes: the same bytes as
    /// ``write(_:to:formats:excel:)`` with `[.csv]` writes for the report of the same ledger and parameters, but the
    /// statement lines and checks go to `statements.csv` and `invariants.csv` a chunk of accounts at a time and are
    /// not kept, so memory stays flat however many accounts the ledger holds.
    ///
    /// JSON and HTML are whole documents over the whole report; they need ``Reconciler/report(reader:parameters:statement:)``
    /// and ``write(_:to:formats:excel:)``.
    ///
    /// - Parameters:
    ///   - reader: The ledger, read-only.
    ///   - parameters: Period, selection, tolerances, staleness.
    ///   - statement: An external statement to match one-to-one, if any.
    ///   - directory: Where to write (created if missing).
    ///   - excel: CSV with a UTF-8 BOM and CRLF line ends.
    /// - Returns: The file names written (manifest last), and the report without its statement lines and checks
    ///   (its ``ReconciliationReport/tallies`` count them; its exceptions and matching are whole).
    /// - Throws: ``ExportError`` when a file cannot be written; ``QueryError`` for a bad selection or a store failure;
    ///   `MoneyError` if a sum leaves the exact range. No file is left under its real name half written.
    @discardableResult
    public static func writeCSV(
        reader: any ReportStore, parameters: ReportParameters, statement: StatementFile? = nil, to directory: String,
        excel: Bool = false
    ) async throws -> (files: [String], report: ReconciliationReport) {
        try await writeCSV(
            reader: reader, parameters: parameters, statement: statement, to: directory, excel: excel,
            historyChunk: 300)
    }

    static func writeCSV(
        reader: any ReportStore, parameters: ReportParameters, statement: StatementFile?, to directory: String,
        excel: Bool, historyChunk: Int
    ) async throws -> (files: [String], report: ReconciliationReport) {
        try createDirectory(directory)
        let zone = parameters.zone
        let scales = try await reader.unitScales()
        let statements = try PartialFile(directory + "/statements.csv")
        let checks: PartialFile
        do { checks = try PartialFile(directory + "/invariants.csv") } catch {
            statements.discard()
            throw error
        }
        var statementRows = 0
        var checkRows = 0
        let report: ReconciliationReport
        var entries: [JSONValue] = []
        let spill = ExceptionSpill(directory: directory, zone: zone, excel: excel, scales: scales)
        defer { spill.discard() }
        do {
            var statementsOut = ExportOutput { try statements.write($0) }
            var checksOut = ExportOutput { try checks.write($0) }
            // Headers first: a period without accounts still gets them, as the whole-report export writes them.
            ReportTable(columns: ReconciliationReport.statementColumns, rows: [], scales: scales)
                .writeCSV(zone: zone, excel: excel, header: true, to: &statementsOut.pending)
            ReportTable(columns: ReconciliationReport.checkColumns, rows: [], scales: scales)
                .writeCSV(zone: zone, excel: excel, header: true, to: &checksOut.pending)
            report = try await Reconciler.report(
                reader: reader, parameters: parameters, statement: statement, historyChunk: historyChunk,
                scales: scales
            ) { found in
                statementRows += found.statements.count
                checkRows += found.checks.count
                ReportTable(
                    columns: ReconciliationReport.statementColumns,
                    rows: found.statements.map { ReconciliationReport.statementRow($0, scales: scales) },
                    scales: scales
                ).writeCSV(zone: zone, excel: excel, header: false, to: &statementsOut.pending)
                ReportTable(
                    columns: ReconciliationReport.checkColumns, rows: found.checks.map(ReconciliationReport.checkRow),
                    scales: scales
                ).writeCSV(zone: zone, excel: excel, header: false, to: &checksOut.pending)
                try spill.add(found.exceptions)
                try statementsOut.flushIfLarge()
                try checksOut.flushIfLarge()
            }
            try statementsOut.finish()
            try checksOut.finish()
            let (statementBytes, statementDigest) = try statements.commit()
            entries.append(
                manifestEntry("statements.csv", rows: statementRows, bytes: statementBytes, sha256: statementDigest))
            let (checkBytes, checkDigest) = try checks.commit()
            entries.append(manifestEntry("invariants.csv", rows: checkRows, bytes: checkBytes, sha256: checkDigest))
        } catch {
            statements.discard()
            checks.discard()
            throw error
        }
        // The exceptions register: each kind's spilled rows, or the sync's own list, kind by kind.
        let exceptions = spill.file(for: report)
        let (exceptionBytes, exceptionDigest) = try writeAtomically(exceptions, to: directory + "/" + exceptions.name)
        entries.append(
            manifestEntry(exceptions.name, rows: exceptions.rows, bytes: exceptionBytes, sha256: exceptionDigest))
        // The rest is small and whole: control totals, matching.
        var names = ["statements.csv", "invariants.csv", exceptions.name]
        for file in try files(report, formats: [.csv], excel: excel) where !names.contains(file.name) {
            let (count, digest) = try writeAtomically(file, to: directory + "/" + file.name)
            entries.append(manifestEntry(file.name, rows: file.rows, bytes: count, sha256: digest))
            names.append(file.name)
        }
        try writeManifest(report, excel: excel, entries: entries, to: directory)
        return (names + ["manifest.json"], report)
    }
}

/// The exceptions a streamed export finds, kept out of memory: each kind's rows go to a temporary file of their own
/// as chunks of accounts find them, sorted within the chunk. Chunks come in account order, so each file is in the
/// register's order (source, account, rule) and the register is the files one kind after another.
final class ExceptionSpill {
    private let directory: String
    private let zone: DisplayZone
    private let excel: Bool
    private let scales: UnitScales
    private var files: [ReportException.Kind: (path: String, handle: FileHandle)] = [:]

    init(directory: String, zone: DisplayZone, excel: Bool, scales: UnitScales) {
        self.directory = directory
        self.zone = zone
        self.excel = excel
        self.scales = scales
    }

    /// Appends a chunk's exceptions, in the register's order, to their kinds' files.
    func add(_ exceptions: [ReportException]) throws {
        for (kind, found) in Dictionary(grouping: exceptions, by: \.kind) {
            var bytes: [UInt8] = []
            ReportTable(
                columns: ReconciliationReport.exceptionColumns,
                rows: found.sorted(by: Reconciler.exceptionOrder).map(ReconciliationReport.exceptionRow),
                scales: scales
            ).writeCSV(zone: zone, excel: excel, header: false, to: &bytes)
            try handle(for: kind).write(contentsOf: bytes)
        }
    }

    private func handle(for kind: ReportException.Kind) throws -> FileHandle {
        if let file = files[kind] { return file.handle }
        let path = directory + "/exceptions.csv." + kind.rawValue + ".partial"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ExportError(path: path, reason: "the file could not be created")
        }
        files[kind] = (path, handle)
        return handle
    }

    /// `exceptions.csv`: the header, then kind by kind the spilled rows and the report's own exceptions (the sync's
    /// fetch failures and conflicts, whose kinds no chunk finds).
    func file(for report: ReconciliationReport) -> ReportExporter.ExportFile {
        ReportExporter.ExportFile(name: "exceptions.csv", rows: report.tallies.exceptions) { out in
            ReportTable(columns: ReconciliationReport.exceptionColumns, rows: [], scales: self.scales)
                .writeCSV(zone: self.zone, excel: self.excel, header: true, to: &out.pending)
            for kind in ReportException.Kind.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
                if let file = self.files[kind] {
                    try file.handle.close()
                    guard let reading = FileHandle(forReadingAtPath: file.path) else {
                        throw ExportError(path: file.path, reason: "the spilled exceptions could not be read back")
                    }
                    defer { try? reading.close() }
                    while let piece = try reading.read(upToCount: 1 << 20), !piece.isEmpty {
                        out.pending.append(contentsOf: piece)
                        try out.flushIfLarge()
                    }
                }
                ReportTable(
                    columns: ReconciliationReport.exceptionColumns,
                    rows: report.exceptions.filter { $0.kind == kind }.map(ReconciliationReport.exceptionRow),
                    scales: self.scales
                ).writeCSV(zone: self.zone, excel: self.excel, header: false, to: &out.pending)
            }
        }
    }

    /// Removes the temporary files.
    func discard() {
        for file in files.values {
            try? file.handle.close()
            try? FileManager.default.removeItem(atPath: file.path)
        }
        files = [:]
    }
}
