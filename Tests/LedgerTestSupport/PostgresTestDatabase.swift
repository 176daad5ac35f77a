import Foundation
import LedgerCore
import LedgerPostgres
import LedgerStore
import Logging
import PostgresNIO
import Testing

/// A PostgreSQL database of its own for one test, in the server `LEDGERSYNC_TEST_POSTGRES_URL` names.
///
/// The PostgreSQL suites run only where that variable is set (CI starts a throwaway cluster with
/// `Tools/postgres/throwaway-cluster start`); elsewhere they are skipped with ``skipReason``. Each test gets a new,
/// empty database, dropped when the test ends.
public struct PostgresTestDatabase: Sendable {
    /// The server's URL, when the environment names one.
    public static let serverURL: String? = {
        let value = ProcessInfo.processInfo.environment["LEDGERSYNC_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// Whether the PostgreSQL suites run.
    public static var isAvailable: Bool { serverURL != nil }

    /// Why the PostgreSQL suites are skipped.
    public static let skipReason: Comment =
        "LEDGERSYNC_TEST_POSTGRES_URL is not set: the PostgreSQL store's tests need a server (eval \"$(Tools/postgres/throwaway-cluster start)\" starts one)"

    /// The test's database.
    public let location: PostgresLocation
    /// The test's database's name.
    public let name: String

    /// The database's URL, for `--store-url` (the test server needs no password).
    public var url: String {
        var components = URLComponents(string: Self.serverURL ?? "")
        components?.path = "/" + name
        return components?.string ?? ""
    }

    /// Runs `body` with a new, empty database, dropped afterwards (also when `body` throws).
    public static func with<T: Sendable>(
        _ body: (PostgresTestDatabase) async throws -> T
    ) async throws -> T {
        let server = try PostgresLocation(url: try #require(serverURL))
        let name = "ledgersync_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(server) { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var location = server
        location.database = name
        let database = PostgresTestDatabase(location: location, name: name)
        do {
            let result = try await body(database)
            try await database.drop(server: server)
            return result
        } catch {
            try? await database.drop(server: server)
            throw error
        }
    }

    /// Runs `body` with a client of its own on the test's database: another session than any ledger's.
    @discardableResult
    public func withClient<T: Sendable>(
        _ body: (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        try await Self.admin(location, body)
    }

    private func drop(server: PostgresLocation) async throws {
        try await Self.admin(server) { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// A client of its own (TLS off: the test server is a local cluster) for the length of `body`.
    @discardableResult
    private static func admin<T: Sendable>(
        _ location: PostgresLocation, _ body: (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "ledgersync.tests.postgres")
        var configuration = PostgresClient.Configuration(
            host: location.host ?? "127.0.0.1", port: location.port, username: location.user,
            password: location.password?.reveal(), database: location.database, tls: .disable)
        configuration.options.maximumConnections = 4
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client, logger)
        }
    }
}

extension PostgresTestDatabase {
    /// Runs one statement (no result) in a session of its own.
    public func execute(_ sql: String) async throws {
        try await withClient { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// The first column of every row of `sql`, as text.
    public func strings(_ sql: String) async throws -> [String] {
        try await withClient { client, logger in
            var values: [String] = []
            for try await (value) in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(
                String.self)
            {
                values.append(value)
            }
            return values
        }
    }

    /// Every table, column, constraint and migration record of the public schema, as one text: equal before and
    /// after means a refused open changed nothing.
    public func catalogDigest() async throws -> String {
        let columns = try await strings(
            """
            SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY 1
            """)
        let constraints = try await strings(
            "SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint ORDER BY 1")
        let recorded = try await strings("SELECT (to_regclass('schema_migration') IS NOT NULL)::text") == ["true"]
        let migrations =
            recorded ? try await strings("SELECT id || '=' || sha256 FROM schema_migration ORDER BY id") : []
        return (columns + constraints + migrations).joined(separator: "\n")
    }
}
