import ArgumentParser
import Foundation
import LedgerDemo
import LedgerServer
import LedgerSync
import Logging

/// `ledgersync demo`: a ledger with history, movements and conflicts from the built-in simulator, no network;
/// with `--serve`, that ledger served with its dashboard while the simulator keeps ticking.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sync several rounds from the built-in simulator into a demo ledger, then show what to try next.",
        discussion: """
            With --serve, the demo ledger is then served (dashboard, API, metrics) while the simulator keeps \
            running: simulated time moves an hour every 10 seconds and serve syncs every 30 seconds, so the \
            dashboard changes as you watch. Ctrl-C or SIGTERM stops both.
            """)

    @Option(name: .long, help: "Where the demo config, secrets file and ledger are written (replaced).")
    var dir: String = "demo"

    @Flag(name: .long, help: "Then serve the demo ledger with its dashboard while the simulator keeps ticking.")
    var serve = false

    @Option(
        name: .customLong("store-url"),
        help: "Sync into this empty PostgreSQL database instead of a SQLite file (libpq URL; password in PGPASSWORD).")
    var storeURL: String?

    @Option(name: .long, help: "With --serve: the loopback address to listen on, HOST:PORT.")
    var listen = ListenAddress(host: "127.0.0.1", port: 8080)

    func validate() throws {
        if serve, storeURL != nil {
            throw ValidationError(
                "--serve needs a SQLite ledger in this build; leave out --store-url to serve the demo")
        }
        guard ["127.0.0.1", "::1", "localhost"].contains(listen.host) else {
            throw ValidationError("--listen: the demo serves on loopback only (127.0.0.1 or ::1), not \(listen.host)")
        }
    }

    func run() async throws {
        let logger = Logger(label: "ledgersync.demo") { label in
            LineLogHandler(label: label, format: .text, level: serve ? .notice : .error)
        }
        let quiet = Logger(label: "ledgersync.demo") { label in
            LineLogHandler(label: label, format: .text, level: .error)
        }
        let result: DemoRunner.Result
        do {
            result = try await DemoRunner(directory: dir, storeURL: storeURL, invocation: .current(), logger: quiet)
                .run(keepSimulator: serve) { print($0) }
        } catch let inUse as DemoRunner.DatabaseInUse {
            throw CommandFailure(message: inUse.description, exitCode: .usage)
        }
        guard serve, let live = result.live else { return }
        do {
            var configuration = try ServeConfiguration.load(path: result.configPath, environment: [:])
            var settings = configuration.serve
            (settings.host, settings.port) = (listen.host, listen.port)
            settings.syncEvery = .seconds(30)
            configuration.serve = settings
            let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
            let server = try buildApplication(
                configuration: configuration,
                environment: ServeEnvironment(logger: logger) { port in
                    print("\nThe dashboard: http://\(host):\(port)/  (Ctrl-C stops the server and the simulator)")
                    // Shown at once even when standard output is a file or a pipe (fully buffered there).
                    fflush(nil)
                })
            let ticker = Task { await live.tick(every: .seconds(10), step: 3_600) }
            try await server.application.runService()
            ticker.cancel()
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}
