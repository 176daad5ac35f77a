import ArgumentParser
import Foundation
import LedgerServer
import LedgerSources
import LedgerSync
import Logging

/// `ledgersync serve`: keep the ledger current on a schedule and answer over HTTP (JSON API and /metrics).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Sync on a schedule and answer over HTTP: the JSON API under /api/v1 and Prometheus /metrics.",
        discussion: """
            Listens on 127.0.0.1:8080 unless told otherwise; any other address needs a bearer token \
            (--token-env NAME). SIGTERM or SIGINT stops it cleanly: the running sync ends its accounts in flight \
            and closes its run as interrupted; the exit code is then 0. Options override the config's [serve] table.
            """)

    @Option(name: .long, help: "The config file.")
    var config: String = "ledgersync.toml"

    @Option(name: .long, help: "The address to listen on, HOST:PORT (default 127.0.0.1:8080).")
    var listen: ListenAddress?

    @Option(name: .customLong("sync-every"), help: "The time between syncs, such as 90s, 15m, 2h (default 15m).")
    var syncEvery: String?

    @Option(name: .customLong("token-env"), help: "The environment variable holding the bearer token.")
    var tokenEnv: String?

    @Option(
        name: .customLong("requests-per-second"),
        help: "Requests a second one client address may make, bursts of twice that; 0 for no limit (default 100).")
    var requestsPerSecond: Int?

    @Option(name: .long, help: "Log format on standard error: text or json.")
    var logFormat: LogFormat = .text

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration: ServeConfiguration
        do {
            configuration = try ServeConfiguration.load(path: config, environment: environment)
        } catch {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        var settings = configuration.serve
        if let listen { (settings.host, settings.port) = (listen.host, listen.port) }
        if let syncEvery {
            guard let every = ServeSettings.duration(syncEvery) else {
                throw CommandFailure(
                    message: "--sync-every \(syncEvery): expected a duration such as 90s, 15m or 2h", exitCode: .usage)
            }
            settings.syncEvery = every
        }
        if let tokenEnv {
            guard let token = environment[tokenEnv], !token.isEmpty else {
                throw CommandFailure(
                    message: "--token-env \(tokenEnv): the environment variable is not set", exitCode: .usage)
            }
            settings.tokenEnv = tokenEnv
            settings.token = .init(token)
        }
        if let requestsPerSecond {
            guard requestsPerSecond >= 0 else {
                throw CommandFailure(message: "--requests-per-second: expected 0 or more", exitCode: .usage)
            }
            settings.requestsPerSecond = requestsPerSecond
        }
        configuration.serve = settings
        let logger = Logger(label: "ledgersync.serve") { label in
            LineLogHandler(label: label, format: logFormat, level: .notice)
        }
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        let server: LedgerServer
        do {
            server = try buildApplication(
                configuration: configuration,
                environment: ServeEnvironment(logger: logger) { port in
                    logger.notice("serving on http://\(host):\(port) (API /api/v1, metrics /metrics); SIGTERM stops")
                })
        } catch let error as LedgerServer.StartError {
            throw CommandFailure(message: error.description, exitCode: .usage)
        }
        try await server.application.runService()
    }
}
