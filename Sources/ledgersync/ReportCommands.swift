import LedgerSources
import LedgerSync
import ArgumentParser
import Foundation
import LedgerCore
import LedgerReports
import LedgerStore

/// Options `export` and `check` share: the ledger, the period, the selection and the rules' settings.
struct ReportOptions: ParsableArguments {
    @OptionGroup var ledger: LedgerLocationOptions

    @OptionGroup var filters: QueryFilterOptions

    @Option(
        name: .long, help: "The zone of the period and of times shown (default period: the last complete day in it).")
    var tz: String = "UTC"

    @Option(
        name: .long,
        help:
            "A rule's tolerance, RULE=AMOUNT (repeatable), e.g. dms.total_available=0.01. Rules: \(ReconciliationRule.allCases.map(\.rawValue).joined(separator: ", "))."
    )
    var tolerance: [String] = []

    @Option(name: .customLong("stale-after"), help: "Hours without fresh data before an account is STALE.")
    var staleAfter: Int = 36

    @Option(name: .long, help: "An external statement CSV (source,account,unit,amount,as_of) to match one-to-one.")
    var statement: String?

    func validate() throws {
        guard staleAfter > 0 else { throw ValidationError("--stale-after must be a positive number of hours") }
    }

    /// The parameters, the statement and where the ledger is, or a usage error naming the argument.
    func prepare(chartLimit: Int = 500) throws -> (ReportParameters, StatementFile?, StoreLocation) {
        var request = ReportRequest()
        request.zone = tz
        request.tolerances = tolerance
        request.staleAfterHours = staleAfter
        request.statementPath = statement
        request.chartLimit = chartLimit
        do {
            request.filter = try filters.filter(zone: try DisplayZone(tz))
            let (parameters, statementFile) = try request.prepare(now: SystemClock().now())
            return (parameters, statementFile, try ledger.location())
        } catch let error as ReportInputError {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
    }

    static func reconcile(
        _ reader: any ReportStore, _ parameters: ReportParameters, _ statement: StatementFile?
    ) async throws
        -> ReconciliationReport
    {
        do {
            return try await Reconciler.report(reader: reader, parameters: parameters, statement: statement)
        } catch let error as QueryError {
            throw CommandFailure(message: error.description, exitCode: error.isUsageError ? .usage : .store)
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}

/// `ledgersync export`: reconciliation reports as files.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write reconciliation reports (CSV, JSON, HTML) and a manifest for a period.",
        discussion: """
            For each account and unit: opening (the balance valid at --from), movements (ModelRouter balance logs \
            by change type; version-to-version changes elsewhere), computed and reported closing, difference. \
            Invariant checks per source, an exceptions register, and --statement matching. Files: statements.csv, \
            invariants.csv, exceptions.csv, control_totals.csv (per unit, opening + movements = closing over the \
            accounts with an opening; those without one counted apart), matching.csv, report.json, report.html, \
            manifest.json (parameters, row counts, control totals, SHA-256 of each file). The same database and parameters give \
            byte-identical files. Exit 0 when written (findings are in the files; use `check` to gate on them).
            """
    )

    @OptionGroup var report: ReportOptions

    @Option(name: .long, help: "The directory to write to (created if missing).")
    var out: String

    @Option(name: .long, parsing: .upToNextOption, help: "Which files: csv, json, html (default all).")
    var format: [ExportFormat] = ExportFormat.allCases

    @Flag(name: .long, help: "CSV for Excel: UTF-8 byte-order mark and CRLF line ends.")
    var excel = false

    @Option(name: .customLong("html-charts"), help: "Draw charts for at most this many accounts in report.html.")
    var htmlCharts: Int = 500

    func run() async throws {
        let (parameters, statement, location) = try report.prepare(chartLimit: htmlCharts)
        let (files, result) = try await ReadOnlyLedger.with(location) { reader in
            do {
                if Set(format) == [.csv] {
                    // CSV alone is written as the accounts are reconciled, a chunk at a time: memory stays flat
                    // however large the ledger. JSON and HTML are documents over the whole report.
                    return try await ReportExporter.writeCSV(
                        reader: reader, parameters: parameters, statement: statement, to: out, excel: excel)
                } else {
                    let result = try await ReportOptions.reconcile(reader, parameters, statement)
                    return (try ReportExporter.write(result, to: out, formats: Set(format), excel: excel), result)
                }
            } catch let error as ExportError {
                throw CommandFailure(message: error.description, exitCode: .failed)
            } catch let error as QueryError {
                throw CommandFailure(message: error.description, exitCode: error.isUsageError ? .usage : .store)
            }
        }
        print(
            "wrote \(files.joined(separator: ", ")) to \(out): \(result.tallies.statements) accounts, "
                + "\(result.exceptions.count) exceptions")
    }
}

/// `ledgersync check`: the same rules, for cron and CI.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the reconciliation rules: exit 0 and one line when clean, exit 1 and one line per exception.",
        discussion: """
            Each finding prints as `source/account/rule: expected X, got Y, diff D (tol T)`, or with the reason \
            when there is nothing to compare. Exit codes: 0 clean, 1 findings, 2 bad arguments, 3 database error.
            """
    )

    @OptionGroup var report: ReportOptions

    @Flag(name: .long, help: "Print the summary and findings as JSON.")
    var json = false

    @Flag(
        name: .long,
        help: "Instead of reconciling, evaluate the config's [[alerts]] rules once (for cron): exit 1 when any fires.")
    var alerts = false

    func run() async throws {
        if alerts {
            try checkAlerts()
            return
        }
        let (parameters, statement, location) = try report.prepare()
        let result = try await ReadOnlyLedger.with(location) { reader in
            try await ReportOptions.reconcile(reader, parameters, statement)
        }
        if json {
            FileHandle.standardOutput.write(Data(try result.checkJSON().utf8))
        } else {
            FileHandle.standardOutput.write(Data((result.checkLines.joined(separator: "\n") + "\n").utf8))
        }
        if !result.isClean {
            throw CommandFailure(message: "\(result.checkLines.count) findings", exitCode: .findings)
        }
    }

    /// `check --alerts`: the alert rules evaluated once, read-only; one line per condition that holds.
    func checkAlerts() throws {
        // The rules come from --config (./ledgersync.toml by default); the ledger is its [store] path.
        let config = report.ledger.config ?? "ledgersync.toml"
        let configuration: SyncConfiguration
        do {
            configuration = try SyncConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        guard !configuration.alerts.isEmpty else {
            throw CommandFailure(message: "\(config) has no [[alerts]] rule to evaluate", exitCode: .usage)
        }
        let reader = try LedgerReader.open(path: try report.ledger.path())
        defer { try? reader.close() }
        let firings = try AlertEvaluator.firings(configuration.alerts, reader: reader, now: SystemClock().now())
        if json {
            let items = firings.map { firing -> JSONValue in
                .object(
                    JSONObject([
                        ("rule", .string(firing.rule)), ("kind", .string(firing.kind.rawValue)),
                        ("subject", .string(firing.subject)), ("message", .string(firing.message)),
                        ("figures", (try? JSONValue.parse(firing.figures)) ?? .null),
                    ]))
            }
            print(JSONValue.object(JSONObject([("firing", .array(items))])).jsonText)
        } else if firings.isEmpty {
            print("ok: \(configuration.alerts.count) alert rules, none fires")
        } else {
            for firing in firings { print("\(firing.rule) \(firing.subject): \(firing.message)") }
        }
        if !firings.isEmpty {
            throw CommandFailure(message: "\(firings.count) alerts fire", exitCode: .findings)
        }
    }
}
