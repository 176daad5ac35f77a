import Foundation
import LedgerCore
import LedgerStore
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL ledger is: `postgresql://user@host:5432/database?sslmode=verify-full`, as libpq spells it.
///
/// The password is never part of the URL (a URL ends up in shell history, process lists and logs): it comes from
/// the environment or the secrets file, by the name `[store] password_env` gives (`PGPASSWORD` by default, as for
/// libpq). ``description`` is the URL without any credential, safe for logs and errors.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`: how the connection is encrypted and the server's certificate checked.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, the certificate unchecked (libpq's default).
        case prefer
        /// TLS always, the certificate unchecked.
        case require
        /// TLS always, the certificate checked against the trusted roots, the host name not.
        case verifyCA = "verify-ca"
        /// TLS always, the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address, or `nil` with ``socketPath``.
    public var host: String?
    /// A Unix-domain socket's path (libpq's `host=/dir` query parameter: `/dir/.s.PGSQL.PORT`).
    public var socketPath: String?
    /// The server's port.
    public var port: Int
    /// The role to connect as.
    public var user: String
    /// The database.
    public var database: String
    /// How the connection is encrypted.
    public var tls: TLSMode
    /// libpq's `sslrootcert`: a PEM file of trusted roots (default: the system's).
    public var rootCertificatePath: String?
    /// The password, when the environment or the secrets file has one.
    public var password: Secret?

    /// Parses a store URL.
    /// - Parameters:
    ///   - url: `postgresql://` or `postgres://`, user, host, optional port and database; query parameters
    ///     `sslmode`, `sslrootcert` and `host` (a socket directory) as libpq reads them.
    ///   - password: The password, from the environment or the secrets file.
    /// - Throws: ``StoreError`` (``StoreError/Code/invalidLocation(_:)``) naming the part that is wrong.
    public init(url: String, password: Secret? = nil) throws(StoreError) {
        func invalid(_ reason: String) -> StoreError {
            StoreError(.invalidLocation(reason), path: Self.redacted(url))
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            ["postgresql", "postgres"].contains(scheme)
        else {
            throw invalid("it must look like postgresql://user@host:5432/database")
        }
        guard components.password == nil else {
            throw invalid(
                "it holds a password; remove it from the URL and put it in the environment or the secrets file "
                    + "under the name [store] password_env gives (PGPASSWORD by default)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else {
                throw invalid("query parameter '\(item.name)' is empty")
            }
            query[item.name] = value
        }
        let known: Set = ["sslmode", "sslrootcert", "host"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid(
                "query parameter '\(unknown)' is not supported (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("no user: write postgresql://USER@host/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw invalid("no database: write postgresql://user@host/DATABASE")
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        let socketDirectory = query["host"]
        if let socketDirectory, !socketDirectory.hasPrefix("/") {
            throw invalid("the host query parameter must be a socket directory (an absolute path)")
        }
        guard host != nil || socketDirectory != nil else {
            throw invalid("no host: write postgresql://user@HOST/database or ?host=/socket/directory")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw invalid("the port \(port) is not between 1 and 65535")
        }
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? TLSMode.prefer.rawValue) else {
            throw invalid(
                "sslmode '\(query["sslmode"] ?? "")' is not one of "
                    + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.port = components.port ?? 5432
        self.host = socketDirectory == nil ? host : nil
        self.socketPath = socketDirectory.map { "\($0)/.s.PGSQL.\(components.port ?? 5432)" }
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificatePath = query["sslrootcert"]
        self.password = password
    }

    /// The URL without any credential.
    public var description: String {
        let server = socketPath.map { "?host=\(($0 as NSString).deletingLastPathComponent)" } ?? ""
        return "postgresql://\(user)@\(host ?? ""):\(port)/\(database)\(server)"
    }

    /// A URL with any password taken out, for the error about a URL that did not parse.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unreadable URL)" }
        guard components.password != nil else { return components.string ?? "(unreadable URL)" }
        components.password = nil
        return (components.string ?? "(unreadable URL)") + " (password removed)"
    }

    /// The pool's configuration: TLS as `sslmode` asks, the process named to the server (`application_name`, seen
    /// in `pg_stat_activity`, which is how a held lock names its holder).
    /// - Parameter applicationName: What the server shows for the connections.
    /// - Throws: ``StoreError`` when the root certificates cannot be read.
    func clientConfiguration(applicationName: String) throws(StoreError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(
                unixSocketPath: socketPath, username: user, password: password?.reveal(), database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch try tlsPlan() {
                case .disable: .disable
                case .prefer(let configuration): .prefer(configuration)
                case .require(let configuration): .require(configuration)
                }
            configuration = .init(
                host: host ?? "localhost", port: port, username: user, password: password?.reveal(),
                database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The configuration of a single connection outside the pool (one that holds a session lock).
    func connectionConfiguration(applicationName: String) throws(StoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath {
            configuration = .init(
                unixSocketPath: socketPath, username: user, password: password?.reveal(), database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                tls =
                    switch try tlsPlan() {
                    case .disable: .disable
                    case .prefer(let configuration): .prefer(try NIOSSLContext(configuration: configuration))
                    case .require(let configuration): .require(try NIOSSLContext(configuration: configuration))
                    }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.invalidLocation("its TLS settings cannot be used: \(error)"), path: description)
            }
            configuration = .init(
                host: host ?? "localhost", port: port, username: user, password: password?.reveal(),
                database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// What `sslmode` asks of a connection.
    private enum TLSPlan {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    private func tlsPlan() throws(StoreError) -> TLSPlan {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificatePath))
            } catch {
                throw StoreError(
                    .invalidLocation("sslrootcert \(rootCertificatePath) cannot be read as PEM: \(error)"),
                    path: description)
            }
        }
        switch self.tls {
        case .disable:
            return .disable
        case .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }
}
