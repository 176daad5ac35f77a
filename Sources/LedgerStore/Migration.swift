import Crypto
import Foundation

/// One numbered schema migration: a file of `Migrations/`, embedded into the binary at build time.
public struct Migration: Hashable, Sendable {
    /// The file name without `.sql`, such as `0001_initial`: the identifier recorded in a database.
    public let id: String
    /// The file's exact bytes.
    public let bytes: [UInt8]
    /// The lowercase hex SHA-256 of ``bytes``.
    public let sha256: String

    /// Creates a migration from a file's name and bytes.
    /// - Parameters:
    ///   - id: `NNNN_name`: four or more digits, an underscore and a name.
    ///   - bytes: The SQL file's exact bytes, which must be UTF-8.
    /// - Throws: ``StoreError`` when the identifier or the text is malformed.
    public init(id: String, bytes: [UInt8]) throws(StoreError) {
        let digits = id.prefix { $0.isASCII && $0.isNumber }
        guard digits.count >= 4, id.dropFirst(digits.count).first == "_", id.count > digits.count + 1 else {
            throw StoreError(.invalidMigration(id, "its name must be NNNN_description.sql"))
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw StoreError(.invalidMigration(id, "the file is not UTF-8 text"))
        }
        self.id = id
        self.bytes = bytes
        self.sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The migration's SQL text.
    public var sql: String { String(decoding: bytes, as: UTF8.self) }

    /// The migrations this build ships, in order: the files of `Migrations/` compiled into the binary.
    public static let shipped: [Migration] = embedded(embeddedMigrationFiles)

    /// The migrations a store's target embedded at build time (the EmbedMigrations plugin).
    package static func embedded(_ files: [(name: String, base64: String)]) -> [Migration] {
        files.map { file in
            // The build embedded these bytes from files the build checked; a failure here is a broken build.
            guard let data = Data(base64Encoded: file.base64),
                let migration = try? Migration(id: file.name, bytes: Array(data))
            else { preconditionFailure("embedded migration \(file.name) is malformed") }
            return migration
        }
    }
}
