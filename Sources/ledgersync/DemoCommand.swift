import ArgumentParser
import LedgerDemo
import Logging

/// `ledgersync demo`: a ledger with history, movements and conflicts from the built-in simulator, no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sync several rounds from the built-in simulator into a demo ledger, then show what to try next.")

    @Option(name: .long, help: "Where the demo config, secrets file and ledger are written (replaced).")
    var dir: String = "demo"

    func run() async throws {
        let logger = Logger(label: "ledgersync.demo") { label in
            LineLogHandler(label: label, format: .text, level: .error)
        }
        _ = try await DemoRunner(directory: dir, invocation: .current(), logger: logger).run { print($0) }
    }
}
