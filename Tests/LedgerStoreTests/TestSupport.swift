import Crypto
import Foundation
import GRDB
import LedgerCore
import LedgerStore
@_exported import LedgerTestSupport
import Logging

let testLogger = Logger(label: "LedgerStoreTests")

func sha256(ofFile path: String) throws -> String {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

/// A migration made up by a test, to exercise upgrades beyond the shipped schema.
func testMigration(_ id: String, _ sql: String) throws -> Migration {
    try Migration(id: id, bytes: Array(sql.utf8))
}

/// Runs `PRAGMA integrity_check` and `PRAGMA foreign_key_check` on a database file through a new connection.
func checkIntegrity(path: String) throws -> (integrity: [String], foreignKeyViolations: Int) {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in
        (
            try String.fetchAll(db, sql: "PRAGMA integrity_check"),
            try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
        )
    }
}

/// The path of a fixture database copied into `directory`, so a test never changes the committed file.
func copyFixture(_ name: String, into directory: TemporaryDirectory) throws -> String {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
    }
    let destination = directory.file(name)
    try FileManager.default.copyItem(atPath: url.path, toPath: destination)
    return destination
}
