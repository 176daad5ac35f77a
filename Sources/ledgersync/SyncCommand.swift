import LedgerSources
import ArgumentParser
import Foundation
import LedgerStore
import LedgerSync
import Logging

/// `ledgersync sync`: pull every configured account into the ledger.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch every configured account of every source into the ledger.",
        discussion: """
            Each account's result is written in one transaction; a failure in one account or source never undoes \
            or blocks the others. Exit codes: 0 complete, 1 partial (some accounts failed or were quarantined), \
            4 failed (nothing could be fetched), 5 another sync holds the database (in a PostgreSQL ledger: one of \
            the configured sources), 2 bad config, 3 database error. With [store] url the ledger is PostgreSQL: \
            each source is locked on its own, so syncers of different sources (on different machines) write at once.
            """
    )

    @Option(name: .long, help: "The config file.")
    var config: String = "ledgersync.toml"

    @Option(name: .long, help: "Also write every raw response to this directory (for --from).")
    var capture: String?

    @Option(name: .customLong("from"), help: "Replay a capture directory instead of the network.")
    var replay: String?

    func validate() throws {
        if capture != nil, replay != nil { throw ValidationError("--capture and --from cannot be used together") }
    }

    @Flag(name: .long, help: "Print nothing but errors (for cron).")
    var quiet = false

    @Option(name: .long, help: "Log format on standard error: text or json.")
    var logFormat: LogFormat = .text

    func run() async throws {
        let logger = Logger(label: "ledgersync.sync") { label in
            LineLogHandler(label: label, format: logFormat, level: quiet ? .error : .notice)
        }
        let outcome: SyncCommandRunner.Outcome
        do {
            // A live line per source on a terminal; nothing of it on a pipe or with --quiet.
            let progress = !quiet && isatty(STDERR_FILENO) == 1 ? SyncProgress(render: TerminalProgress.render) : nil
            outcome = try await SyncCommandRunner.run(
                configPath: config, environment: ProcessInfo.processInfo.environment, capture: capture, replay: replay,
                progress: progress, logger: logger)
        } catch let error as ConfigError {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        switch outcome {
        case .locked(let held):
            throw CommandFailure(message: held.description, exitCode: .locked)
        case .sourceLocked(let held):
            throw CommandFailure(message: held.description, exitCode: .locked)
        case .finished(let report):
            if !quiet { print(report.summary) }
            switch report.status {
            case .complete: return
            case .partial: throw CommandFailure(message: "run \(report.runID) was partial", exitCode: .findings)
            default: throw CommandFailure(message: "run \(report.runID) failed", exitCode: .failed)
            }
        }
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// One line per event on standard error, as text or JSON (for cron and log shippers).
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(event.level) \(event.message)\(fields.isEmpty ? "" : " " + fields)"
        case .json:
            var object: [String: String] = ["level": "\(event.level)", "message": "\(event.message)", "logger": label]
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Redraws one line per source in place on standard error.
enum TerminalProgress {
    private static let drawn = LineCount()

    static let render: @Sendable ([SyncProgress.Line], Duration) -> Void = { lines, elapsed in
        var output = ""
        let previous = drawn.swap(lines.count)
        if previous > 0 { output += "\u{1B}[\(previous)F" }  // back to the first line drawn
        for line in lines { output += "\u{1B}[2K" + SyncProgress.text(line, elapsed: elapsed) + "\n" }
        FileHandle.standardError.write(Data(output.utf8))
    }
}

final class LineCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func swap(_ new: Int) -> Int {
        lock.withLock {
            defer { count = new }
            return count
        }
    }
}
