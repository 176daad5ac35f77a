import Foundation
import GRDB
import LedgerCore

/// Compares what two ledger files derived from their raw responses, table by table and row by row, and each
/// unit's control totals: `verify` compares a ledger with a rebuild of itself.
///
/// Rows are matched by their natural key (source, account and valid time, or remote id), never by row id: a
/// rebuild gives rows other ids. Both sides are read in key order, one row at a time.
public enum LedgerComparison {
    /// One derived table: its rows' key columns first, then the columns compared, then `row_id` (the row named in
    /// a finding). Ordered by the key, which is unique.
    struct DerivedTable {
        let name: String
        let keys: [String]
        let sql: String
        /// Columns read but not compared (the detail tables' own `version_id`).
        var ignored: Set<String> = []
    }

    static let accountJoin = """
        JOIN account a ON a.id = x.account_id JOIN source_instance s ON s.id = a.source_id
        """

    static let tables: [DerivedTable] = [
        DerivedTable(
            name: "balance_version", keys: ["source", "account", "valid_from"],
            sql: """
                SELECT s.name AS source, a.account_key AS account, x.valid_from, x.valid_to, x.state, x.unit,
                    \(StoredAmount.versionColumns), x.content_hash,
                    x.source_modified_at, x.flagged, x.id AS row_id
                FROM balance_version x \(accountJoin)
                WHERE x.superseded_at IS NULL ORDER BY s.name, a.account_key, x.valid_from
                """),
        detail("modelrouter_balance_detail"), detail("dms_credit_detail"), detail("twcc_wallet_detail"),
        DerivedTable(
            name: "modelrouter_balance_log", keys: ["source", "account", "remote_id"],
            sql: """
                SELECT s.name AS source, a.account_key AS account, x.remote_id, x.change_type, x.unit,
                    x.change_amount_whole, x.change_amount_nanos, x.balance_before_whole, x.balance_before_nanos,
                    x.balance_after_whole, x.balance_after_nanos, x.remark, x.gmt_create, x.id AS row_id
                FROM modelrouter_balance_log x \(accountJoin) ORDER BY s.name, a.account_key, x.remote_id
                """),
        DerivedTable(
            name: "modelrouter_log_cursor", keys: ["source", "account"],
            sql: """
                SELECT s.name AS source, a.account_key AS account, x.last_gmt_create, x.last_remote_id,
                    x.account_id AS row_id
                FROM modelrouter_log_cursor x \(accountJoin) ORDER BY s.name, a.account_key
                """),
        DerivedTable(
            name: "conflict", keys: ["source", "account", "kind", "incoming_valid_from", "incoming_content_hash"],
            sql: """
                SELECT s.name AS source, a.account_key AS account, x.kind, x.incoming_valid_from,
                    x.incoming_content_hash, x.stored_valid_from, x.stored_content_hash, x.resolution, x.id AS row_id
                FROM conflict x \(accountJoin)
                ORDER BY s.name, a.account_key, x.kind, x.incoming_valid_from, x.incoming_content_hash
                """),
    ]

    /// A detail table, keyed by its live version's account and valid time.
    static func detail(_ table: String) -> DerivedTable {
        DerivedTable(
            name: table, keys: ["source", "account", "valid_from"],
            sql: """
                SELECT s.name AS source, a.account_key AS account, v.valid_from, d.*, d.version_id AS row_id
                FROM \(table) d JOIN balance_version v ON v.id = d.version_id
                JOIN account a ON a.id = v.account_id JOIN source_instance s ON s.id = a.source_id
                WHERE v.superseded_at IS NULL ORDER BY s.name, a.account_key, v.valid_from
                """, ignored: ["version_id"])
    }

    /// The rows of `ledger` that differ from those of `rederived`, at most `limit` named per table (then a count
    /// of the rest).
    /// - Throws: ``StoreError`` when either file cannot be read.
    public static func compare(
        ledger: String, rederived: String, limit: Int = 10
    ) throws(StoreError)
        -> [VerifyFinding]
    {
        do {
            let left = try DatabaseQueue(path: ledger, configuration: LedgerDatabase.configuration(readonly: true))
            defer { try? left.close() }
            let right = try DatabaseQueue(path: rederived, configuration: LedgerDatabase.configuration(readonly: true))
            defer { try? right.close() }
            return try left.read { leftDB in
                try right.read { rightDB in
                    var findings: [VerifyFinding] = []
                    for table in tables {
                        findings += try compare(table, leftDB, rightDB, limit: limit)
                    }
                    return findings
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(wrapping: error, path: ledger)
        }
    }

    private static func compare(
        _ table: DerivedTable, _ leftDB: Database, _ rightDB: Database, limit: Int
    ) throws
        -> [VerifyFinding]
    {
        var findings: [VerifyFinding] = []
        var differing = 0
        func found(_ detail: String) {
            differing += 1
            if differing <= limit {
                findings.append(VerifyFinding(check: .rederived, table: table.name, detail: detail))
            }
        }
        let leftRows = try Row.fetchCursor(leftDB, sql: table.sql)
        let rightRows = try Row.fetchCursor(rightDB, sql: table.sql)
        var left = try leftRows.next()?.copy()
        var right = try rightRows.next()?.copy()
        while left != nil || right != nil {
            let order: Int =
                if let left, let right { compareKeys(left, right, count: table.keys.count) } else {
                    left == nil ? 1 : -1
                }
            if order < 0, let row = left {
                found(
                    "row \(rowID(row)) (\(describe(row, table))) is not re-derived from the raw responses: written "
                        + "outside LedgerSync, or its response changed")
                left = try leftRows.next()?.copy()
            } else if order > 0, let row = right {
                found("\(describe(row, table)): re-derived from the raw responses, but missing here (deleted?)")
                right = try rightRows.next()?.copy()
            } else if let l = left, let r = right {
                let differences = valueDifferences(l, r, table)
                if !differences.isEmpty {
                    found("row \(rowID(l)) (\(describe(l, table))): \(differences.joined(separator: "; "))")
                }
                left = try leftRows.next()?.copy()
                right = try rightRows.next()?.copy()
            }
        }
        if differing > limit {
            findings.append(
                VerifyFinding(
                    check: .rederived, table: table.name, detail: "\(differing - limit) more rows differ"))
        }
        return findings
    }

    private static func rowID(_ row: Row) -> String {
        (row["row_id"] as DatabaseValue?).map(text) ?? "?"
    }

    /// `source modelrouter, account 17, valid_from 2026-11-19T00:20:00Z`.
    private static func describe(_ row: Row, _ table: DerivedTable) -> String {
        table.keys.enumerated().map { index, name in
            let value = row[index] as DatabaseValue
            if name.hasSuffix("valid_from"), case .int64(let milliseconds) = value.storage {
                return "\(name) \(Instant(millisecondsSinceEpoch: milliseconds).iso8601)"
            }
            return "\(name) \(text(value))"
        }.joined(separator: ", ")
    }

    /// The compared columns whose values differ, as `column is A here, B re-derived`, at most three.
    private static func valueDifferences(_ left: Row, _ right: Row, _ table: DerivedTable) -> [String] {
        var differences: [String] = []
        let names = Array(left.columnNames)
        for index in table.keys.count..<names.count {
            let name = names[index]
            guard name != "row_id", !table.ignored.contains(name) else { continue }
            let l = left[index] as DatabaseValue
            let r = right[index] as DatabaseValue
            if l != r { differences.append("\(name) is \(text(l)) here, \(text(r)) re-derived") }
        }
        return differences.count > 3
            ? Array(differences.prefix(3)) + ["\(differences.count - 3) more columns"] : differences
    }

    /// A value as a finding shows it: numbers as they are, text quoted with its control characters escaped.
    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let string): String(reflecting: String(string.prefix(80)))
        case .blob(let data): "\(data.count) bytes"
        }
    }

    /// SQLite's order of the key columns (NULL, numbers, text by bytes, blobs): the order both sides were read in.
    static func compareKeys(_ left: Row, _ right: Row, count: Int) -> Int {
        for index in 0..<count {
            let order = compare(left[index] as DatabaseValue, right[index] as DatabaseValue)
            if order != 0 { return order }
        }
        return 0
    }

    static func compare(_ left: DatabaseValue, _ right: DatabaseValue) -> Int {
        func rank(_ value: DatabaseValue) -> Int {
            switch value.storage {
            case .null: 0
            case .int64, .double: 1
            case .string: 2
            case .blob: 3
            }
        }
        let (l, r) = (rank(left), rank(right))
        guard l == r else { return l < r ? -1 : 1 }
        switch (left.storage, right.storage) {
        case (.int64(let a), .int64(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.string(let a), .string(let b)): return bytes(Array(a.utf8), Array(b.utf8))
        case (.blob(let a), .blob(let b)): return bytes(Array(a), Array(b))
        case (.double(let a), .double(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.int64(let a), .double(let b)): return Double(a) == b ? 0 : (Double(a) < b ? -1 : 1)
        case (.double(let a), .int64(let b)): return a == Double(b) ? 0 : (a < Double(b) ? -1 : 1)
        default: return 0
        }
    }

    private static func bytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }
}
