import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

/// A ledger in PostgreSQL: the shared store for syncers on several machines and several `serve` instances.
///
/// Open one with ``open(location:migrations:clock:maximumConnections:logger:)``: it applies the PostgreSQL
/// migrations under an advisory lock so that processes starting at once never race, refuses a database whose
/// applied migrations were altered or come from a newer build (leaving it untouched), and connects a pool
/// (postgres-nio's `PostgresClient`). ``close()`` stops the pool.
public final class PostgresLedger: Sendable {
    /// The pool every statement goes through. Sealed in the package: nothing outside the store writes SQL.
    package let client: PostgresClient
    /// Where the ledger is (its description has no credential).
    public let location: PostgresLocation
    /// The migrations this open applied, in order (empty when the schema was current).
    public let applied: [String]
    let clock: any LedgerClock
    let logger: Logger
    /// The pool's `run()`: the client serves requests while it runs and stops when it is cancelled.
    private let running: Task<Void, Never>

    private init(
        client: PostgresClient, location: PostgresLocation, applied: [String], clock: any LedgerClock,
        logger: Logger, running: Task<Void, Never>
    ) {
        self.client = client
        self.location = location
        self.applied = applied
        self.clock = clock
        self.logger = logger
        self.running = running
    }

    /// The name this process gives its connections (`pg_stat_activity.application_name`): a held source lock
    /// names its holder by it.
    public static var applicationName: String {
        "ledgersync pid \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName)"
    }

    /// Connects to the ledger at `location`, creating or upgrading its schema.
    ///
    /// - Parameters:
    ///   - location: The database.
    ///   - migrations: The PostgreSQL migrations, in order; the shipped ones unless a test passes others.
    ///   - clock: The time recorded for applied migrations.
    ///   - maximumConnections: The pool's size.
    ///   - logger: Where the steps taken are logged.
    /// - Returns: The open ledger at the latest schema version.
    /// - Throws: ``StoreError``: the server cannot be reached, a newer or altered schema (left untouched), a
    ///   failed migration (rolled back).
    public static func open(
        location: PostgresLocation, migrations: [Migration] = Migration.postgreSQL,
        clock: any LedgerClock = SystemClock(), maximumConnections: Int = 8, logger: Logger
    ) async throws(StoreError) -> PostgresLedger {
        let plan = try MigrationPlan(migrations: migrations)
        let applied = try await withConnection(to: location, logger: logger) { connection in
            try await migrate(connection, plan: plan, location: location, clock: clock, logger: logger)
        }
        if !applied.isEmpty {
            logger.info(
                "applied migrations",
                metadata: ["store": "\(location)", "migrations": "\(applied.joined(separator: ","))"])
        }
        return try connect(
            location: location, applied: applied, clock: clock, maximumConnections: maximumConnections, logger: logger)
    }

    /// Connects to the ledger at `location` to read it: its schema is checked, never changed.
    /// - Throws: ``StoreError``: the server cannot be reached; the schema needs `ledgersync migrate` first, or was
    ///   altered, or comes from a newer build.
    public static func openForReading(
        location: PostgresLocation, clock: any LedgerClock = SystemClock(), maximumConnections: Int = 8,
        logger: Logger
    ) async throws(StoreError) -> PostgresLedger {
        let plan = try MigrationPlan(migrations: Migration.postgreSQL)
        let state = try await withConnection(to: location, logger: logger) { connection in
            try await readState(connection, location: location, logger: logger)
        }
        let pending = try plan.pending(given: state, path: location.description)
        guard pending.isEmpty else {
            throw StoreError(.notMigrated(pending: pending.map(\.id)), path: location.description)
        }
        return try connect(
            location: location, applied: [], clock: clock, maximumConnections: maximumConnections, logger: logger)
    }

    private static func connect(
        location: PostgresLocation, applied: [String], clock: any LedgerClock, maximumConnections: Int,
        logger: Logger
    ) throws(StoreError) -> PostgresLedger {
        var configuration = try location.clientConfiguration(applicationName: applicationName)
        configuration.options.maximumConnections = max(2, maximumConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        return PostgresLedger(
            client: client, location: location, applied: applied, clock: clock, logger: logger, running: running)
    }

    /// Stops the pool; its connections close.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// Lists the applied and pending migrations of the database without changing it.
    /// - Throws: ``StoreError`` when the server cannot be reached or the database is not a ledger.
    public static func migrationStatus(
        location: PostgresLocation, migrations: [Migration] = Migration.postgreSQL, logger: Logger
    ) async throws(StoreError) -> [MigrationStatus] {
        let state = try await withConnection(to: location, logger: logger) { connection in
            try await readState(connection, location: location, logger: logger)
        }
        return MigrationStatus.list(of: state, migrations: migrations)
    }

    /// Runs `body` on a connection of its own, outside any pool: it fails at once when the server cannot be
    /// reached, where a pool would keep retrying.
    static func withConnection<T: Sendable>(
        to location: PostgresLocation, logger: Logger,
        _ body: (PostgresConnection) async throws -> sending T
    ) async throws(StoreError) -> T {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(applicationName: applicationName), id: 0,
                logger: logger)
            do {
                let result = try await body(connection)
                try? await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }
}

extension Migration {
    /// The PostgreSQL store's migrations this build ships, in order: the files of `Migrations/PostgreSQL/`.
    public static let postgreSQL: [Migration] = embedded(embeddedMigrationFiles)
}

extension StoreError {
    /// Wraps an error from postgres-nio or the server: the server's own message and SQLSTATE, never the query's
    /// bound values (which can hold remote data) and never a credential.
    init(wrapping error: any Error, location: PostgresLocation) {
        if let storeError = error as? StoreError {
            self.init(storeError.code, path: storeError.path ?? location.description)
        } else if let transactionError = error as? PostgresTransactionError {
            let inner = transactionError.closureError ?? transactionError.commitError ?? transactionError.beginError
            self.init(wrapping: inner ?? error, location: location)
        } else if let psql = error as? PSQLError {
            self.init(.postgres(Self.message(psql)), path: location.description)
        } else if let decoding = error as? PostgresDecodingError {
            // Names the column and the types, never the value (which may be anything stored).
            self.init(
                .invalidData(
                    "column \(decoding.columnName) (#\(decoding.columnIndex)) holds \(decoding.postgresType), which "
                        + "cannot be read as \(decoding.targetType) (\(decoding.code))"),
                path: location.description)
        } else {
            self.init(.postgres(String(describing: error)), path: location.description)
        }
    }

    private static func message(_ error: PSQLError) -> String {
        if let server = error.serverInfo, let message = server[.message] {
            let state = server[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = server[.detail].map { ": \($0)" } ?? ""
            return message + detail + state
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            let cause = error.underlying.map { " (\($0))" } ?? ""
            return "the server cannot be reached or closed the connection\(cause); is it running, and does "
                + "pg_hba.conf let this user in?"
        case .sslUnsupported:
            return "the server does not offer TLS, and the URL's sslmode (require, verify-ca or verify-full) needs "
                + "it; turn ssl on in the server's postgresql.conf, or use sslmode=prefer or disable on a trusted "
                + "network"
        case .failedToAddSSLHandler:
            return "TLS could not be set up for the connection (\(error.underlying.map { "\($0)" } ?? "no detail")); "
                + "check sslrootcert and the server's certificate"
        case .authMechanismRequiresPassword:
            return "the server asks for a password and none was given; put it in the environment or the secrets "
                + "file under the name [store] password_env gives (PGPASSWORD by default)"
        default:
            return "\(error.code)"
        }
    }
}
