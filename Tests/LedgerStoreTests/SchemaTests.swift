import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerStore
import Testing

/// The rules the schema itself enforces, checked on a real SQLite file.
@Suite("Schema")
struct SchemaTests {
    /// A ledger on disk with one ModelRouter source and one account.
    static func ledgerWithAccount(_ directory: TemporaryDirectory) throws -> LedgerDatabase {
        let database = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: testLogger)
        try database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO source_instance (id, name, kind, created_at) VALUES (1, 'mr', 'modelrouter', 0)")
            try db.execute(
                sql: """
                    INSERT INTO account (id, source_id, kind, mr_client_id, first_seen_at, last_seen_at)
                    VALUES (1, 1, 'modelrouter', 17, 0, 0)
                    """)
        }
        return database
    }

    static func insertVersion(
        _ db: Database, from: Int64, to: Int64?, superseded: Int64? = nil, amount: Int64 = 0
    )
        throws
    {
        try db.execute(
            sql: """
                INSERT INTO balance_version
                    (account_id, valid_from, valid_to, recorded_at, superseded_at, unit, available_balance_whole,
                     available_balance_nanos, content_hash, observed_at)
                VALUES (1, ?, ?, 0, ?, 'CNY', ?, 0, printf('%064d', ?), 0)
                """,
            arguments: [from, to, superseded, amount, amount])
    }

    @Test("A second current version of one account is refused")
    func oneCurrentVersion() throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        try database.writer.write { db in try Self.insertVersion(db, from: 100, to: nil) }
        // Even one that starts later (the overlap trigger would also refuse it, so drop the trigger to test the index).
        try database.writer.write { db in try db.execute(sql: "DROP TRIGGER balance_version_no_overlap_insert") }
        let error = #expect(throws: DatabaseError.self) {
            try database.writer.write { db in try Self.insertVersion(db, from: 200, to: nil) }
        }
        #expect(error?.message?.contains("UNIQUE") == true)
    }

    @Test("Overlapping live versions of one account are refused; contiguous ones are fine")
    func noOverlap() throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        try database.writer.write { db in
            try Self.insertVersion(db, from: 100, to: 200, amount: 1)
            try Self.insertVersion(db, from: 200, to: 300, amount: 2)
            try Self.insertVersion(db, from: 300, to: nil, amount: 3)
        }
        for (from, to) in [(Int64(150), Int64?(250)), (50, 101), (299, nil), (400, nil), (100, 200), (0, nil)] {
            let error = #expect(throws: DatabaseError.self, "[\(from), \(String(describing: to))) must be refused") {
                try database.writer.write { db in try Self.insertVersion(db, from: from, to: to, amount: 9) }
            }
            #expect(error?.message?.contains("overlaps") == true || error?.message?.contains("UNIQUE") == true)
        }
        // A gap before the first version may be filled.
        try database.writer.write { db in try Self.insertVersion(db, from: 50, to: 100, amount: 4) }
        // A superseded row may overlap: it is history of what was believed, not current belief.
        try database.writer.write { db in try Self.insertVersion(db, from: 150, to: 250, superseded: 10, amount: 5) }
        // Moving a live row onto another is refused by the update trigger.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: "UPDATE balance_version SET valid_to = 250 WHERE valid_from = 100 AND superseded_at IS NULL")
            }
        }
        // Reviving a superseded row that overlaps is refused too.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(sql: "UPDATE balance_version SET superseded_at = NULL WHERE superseded_at IS NOT NULL")
            }
        }
        let live = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM balance_version WHERE superseded_at IS NULL")
        }
        #expect(live == 4)
    }

    @Test("Every amount column is an INTEGER column, and a REAL is refused")
    func amountsAreIntegers() throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        let amountColumns = try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.name AS tbl, p.name AS col, p.type AS type
                    FROM sqlite_schema AS m, pragma_table_info(m.name) AS p
                    WHERE m.type = 'table'
                      AND (p.name LIKE '%\\_whole' ESCAPE '\\' OR p.name LIKE '%\\_nanos' ESCAPE '\\'
                        OR p.name LIKE '%\\_e4' ESCAPE '\\')
                    """)
        }
        // 16 amounts, two columns each; no column of the old single-integer form is left.
        #expect(amountColumns.count == 32)
        #expect(!amountColumns.contains { ($0["col"] as String).hasSuffix("_e4") })
        for row in amountColumns {
            #expect(row["type"] as String == "INTEGER", "\(row["tbl"] as String).\(row["col"] as String)")
        }
        let error = #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO balance_version (account_id, valid_from, recorded_at, unit, available_balance_whole,
                            available_balance_nanos, content_hash, observed_at)
                        VALUES (1, 0, 0, 'CNY', 0.5, 0, printf('%064d', 0), 0)
                        """)
            }
        }
        #expect(error?.message?.contains("cannot store REAL") == true)
    }

    @Test(
        "An amount's two columns must be a valid pair: both or neither, a fraction below 10^9 of the amount's sign",
        arguments: [
            ("1", "NULL"), ("NULL", "5"), ("1", "1000000000"), ("0", "-1000000000"), ("1", "-1"), ("-1", "1"),
        ])
    func amountPairs(whole: String, nanos: String) throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        let error = #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO balance_version (account_id, valid_from, recorded_at, unit, available_balance_whole,
                            available_balance_nanos, content_hash, observed_at)
                        VALUES (1, 0, 0, 'CNY', \(whole), \(nanos), printf('%064d', 0), 0)
                        """)
            }
        }
        #expect(error?.resultCode == .SQLITE_CONSTRAINT)
        // The same statement with a valid pair of either sign is accepted.
        try database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO balance_version (account_id, valid_from, valid_to, recorded_at, unit,
                        available_balance_whole, available_balance_nanos, content_hash, observed_at)
                    VALUES (1, 0, 1, 0, 'CNY', -1, -999999999, printf('%064d', 0), 0),
                           (1, 1, 2, 0, 'CNY', 0, 5, printf('%064d', 0), 0)
                    """)
        }
    }

    @Test("Amounts round-trip through parse, store and render byte-identical; typeof is never real")
    func amountRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        let texts = [
            "12345678901234.5678", "-0.0001", "0", "100.00", "0.1", "224.00", "-922337203685477.5807",
            "0.000123", "0.00000001", "-5.5", "9223372036854775807.999999999", "-9223372036854775808.999999999",
        ]
        var generator = SplitMix64(seed: 0xA11_0C8)
        let randomTexts = (0..<10_000).map { _ in
            let units = Int64(bitPattern: generator.next()) >> Int64(generator.next() % 63)
            return FixedDecimal(units: units, scale: Int(generator.next() % 10)).description
        }
        let values = try (texts + randomTexts).map { try FixedDecimal(parsing: $0) }
        try database.writer.write { db in
            for (offset, value) in values.enumerated() {
                let parts = value.storedParts
                try db.execute(
                    sql: """
                        INSERT INTO modelrouter_balance_log (account_id, remote_id, change_type, unit,
                            change_amount_whole, change_amount_nanos, gmt_create, recorded_at)
                        VALUES (1, ?, 'deduct', 'CNY', ?, ?, 0, 0)
                        """,
                    arguments: [offset, parts.whole, parts.nanos])
            }
        }
        let stored = try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT change_amount_whole AS whole, change_amount_nanos AS nanos,
                        typeof(change_amount_whole) || typeof(change_amount_nanos) AS type
                    FROM modelrouter_balance_log ORDER BY remote_id
                    """)
        }
        #expect(stored.count == values.count)
        func back(_ row: Row) throws -> FixedDecimal { try FixedDecimal(whole: row["whole"], nanos: row["nanos"]) }
        for (row, value) in zip(stored, values) {
            #expect(row["type"] as String == "integerinteger")
            #expect(try back(row).description == value.description)
        }
        #expect(
            try stored.prefix(12).map { try back($0).description } == [
                "12345678901234.5678", "-0.0001", "0.0000", "100.0000", "0.1000", "224.0000", "-922337203685477.5807",
                "0.000123", "0.00000001", "-5.5000", "9223372036854775807.999999999", "-9223372036854775808.999999999",
            ])
        // SQL SUM over each part is exact, and the parts combine to the exact total: 0.1 + 224.00 + 100.00 +
        // 0.000123 + 0.00000001 + -5.5.
        let sums = try database.writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT sum(change_amount_whole) AS whole, sum(change_amount_nanos) AS nanos FROM modelrouter_balance_log
                    WHERE remote_id IN (3, 4, 5, 7, 8, 9)
                    """)
        }
        let total = try FixedDecimal(summingWhole: try #require(sums)["whole"], nanos: try #require(sums)["nanos"])
        #expect(total.description == "318.60012301")
    }

    @Test("Account keys are per kind, unique per source, and checked against the source's kind")
    func accounts() throws {
        let directory = try TemporaryDirectory()
        let database = try Self.ledgerWithAccount(directory)
        defer { try? database.close() }
        // The same client twice in one source.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO account (source_id, kind, mr_client_id, first_seen_at, last_seen_at)
                        VALUES (1, 'modelrouter', 17, 0, 0)
                        """)
            }
        }
        // A DMS key on a ModelRouter source: the kind must match the source's.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO account (source_id, kind, dms_org_id, dms_org_type, first_seen_at, last_seen_at)
                        VALUES (1, 'dms_credit', 5, 2, 0, 0)
                        """)
            }
        }
        // Mixed keys are refused.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO account (source_id, kind, mr_client_id, dms_org_id, first_seen_at, last_seen_at)
                        VALUES (1, 'modelrouter', 18, 5, 0, 0)
                        """)
            }
        }
        // A version of an account that does not exist violates its foreign key.
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO balance_version (account_id, valid_from, recorded_at, unit, content_hash, observed_at)
                        VALUES (99, 0, 0, 'CNY', printf('%064d', 0), 0)
                        """)
            }
        }
    }

    /// The values a column's `CHECK (column IN (...))` allows, read from the schema SQLite holds.
    static func checkList(_ db: Database, table: String, column: String) throws -> [String] {
        let sql =
            try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                arguments: [table])?.split(whereSeparator: \.isWhitespace).joined(separator: " ") ?? ""
        guard let range = sql.range(of: "CHECK (\(column) IN (") else { return [] }
        let rest = sql[range.upperBound...]
        let list = rest[..<(rest.firstIndex(of: ")") ?? rest.endIndex)]
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(["'"])) }
    }

    @Test("Every state enum has exactly the values its column's CHECK constraint allows")
    func statesMatchChecks() throws {
        let directory = try TemporaryDirectory()
        let database = try LedgerDatabase.open(path: directory.file("ledger.sqlite"), logger: testLogger)
        defer { try? database.close() }
        try database.writer.read { db in
            func expectList(_ table: String, _ column: String, _ values: [String]) throws {
                let allowed = try Self.checkList(db, table: table, column: column)
                #expect(!allowed.isEmpty, "\(table).\(column) has no CHECK list")
                #expect(allowed.sorted() == values.sorted(), "\(table).\(column)")
            }
            try expectList("balance_version", "state", VersionState.allCases.map(\.rawValue))
            try expectList("sync_run", "status", RunStatus.allCases.map(\.rawValue))
            try expectList("sync_run", "mode", RunMode.allCases.map(\.rawValue))
            // A source of an interrupted run is recorded as failed: every status but interrupted.
            try expectList(
                "sync_run_source", "status", RunStatus.allCases.filter { $0 != .interrupted }.map(\.rawValue))
            try expectList("sync_run_source", "discovery", DiscoveryOutcome.allCases.map(\.rawValue))
            try expectList("conflict", "kind", ConflictKind.allCases.map(\.rawValue))
            try expectList("alert_state", "kind", AlertKind.allCases.map(\.rawValue))
            try expectList("conflict", "resolution", ConflictResolution.allCases.map(\.rawValue))
            try expectList("source_instance", "kind", SourceKind.allCases.map(\.rawValue))
        }
    }
}
