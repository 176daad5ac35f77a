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
        reader: LedgerReader, parameters: ReportParameters, statement: StatementFile? = nil, to directory: String,
        excel: Bool = false
    ) throws -> (files: [String], report: ReconciliationReport) {
        try writeCSV(
            reader: reader, parameters: parameters, statement: statement, to: directory, excel: excel,
            historyChunk: 300)
    }

    static func writeCSV(
        reader: LedgerReader, parameters: ReportParameters, statement: StatementFile?, to directory: String,
        excel: Bool, historyChunk: Int
    ) throws -> (files: [String], report: ReconciliationReport) {
        try createDirectory(directory)
        let zone = parameters.zone
        let scales = try reader.unitScales()
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
        do {
            var statementsOut = ExportOutput { try statements.write($0) }
            var checksOut = ExportOutput { try checks.write($0) }
            // Headers first: a period without accounts still gets them, as the whole-report export writes them.
            ReportTable(columns: ReconciliationReport.statementColumns, rows: [], scales: scales)
                .writeCSV(zone: zone, excel: excel, header: true, to: &statementsOut.pending)
            ReportTable(columns: ReconciliationReport.checkColumns, rows: [], scales: scales)
                .writeCSV(zone: zone, excel: excel, header: true, to: &checksOut.pending)
            report = try Reconciler.report(
                reader: reader, parameters: parameters, statement: statement, historyChunk: historyChunk,
                scales: scales
            ) { lines, found in
                statementRows += lines.count
                checkRows += found.count
                ReportTable(
                    columns: ReconciliationReport.statementColumns,
                    rows: lines.map { ReconciliationReport.statementRow($0, scales: scales) }, scales: scales
                ).writeCSV(zone: zone, excel: excel, header: false, to: &statementsOut.pending)
                ReportTable(
                    columns: ReconciliationReport.checkColumns, rows: found.map(ReconciliationReport.checkRow),
                    scales: scales
                ).writeCSV(zone: zone, excel: excel, header: false, to: &checksOut.pending)
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
        // The rest is small and whole: exceptions, control totals, matching.
        var names = ["statements.csv", "invariants.csv"]
        for file in try files(report, formats: [.csv], excel: excel) where !names.contains(file.name) {
            let (count, digest) = try writeAtomically(file, to: directory + "/" + file.name)
            entries.append(manifestEntry(file.name, rows: file.rows, bytes: count, sha256: digest))
            names.append(file.name)
        }
        try writeManifest(report, excel: excel, entries: entries, to: directory)
        return (names + ["manifest.json"], report)
    }
}
