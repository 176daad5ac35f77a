import Foundation

/// A database of the bench's own on a PostgreSQL server, made and dropped with `psql` (the engine's own tool).
struct PostgresBenchDatabase {
    /// The database every run uses, recreated before each.
    static let name = "ledgersync_bench"

    let server: String
    let config: String

    init(server: String, config: String) throws {
        self.server = server
        self.config = config
        try drop()
    }

    /// The server's URL with the bench's database in its path.
    static func url(_ server: String) -> String {
        var components = URLComponents(string: server)
        components?.path = "/" + name
        return components?.string ?? server
    }

    func recreate() throws {
        try drop()
        try psql("CREATE DATABASE \(Self.name)")
    }

    func drop() throws {
        try psql("DROP DATABASE IF EXISTS \(Self.name) WITH (FORCE)")
    }

    /// Runs one statement with psql on the server's maintenance database, or on `database`.
    func psql(_ statement: String, database: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", database ?? server, "-c", statement,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("psql could not run `\(statement)` on \(server) (status \(process.terminationStatus))")
        }
    }
}
