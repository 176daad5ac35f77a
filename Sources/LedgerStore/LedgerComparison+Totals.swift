import Foundation
import GRDB
import LedgerCore

/// One unit's control totals over the whole ledger: what `verify` recomputes from a rebuild and compares.
public struct UnitTotals: Sendable, Equatable, CustomStringConvertible {
    /// The unit; amounts of different units are never added.
    public var unit: String
    /// Accounts whose current version is present in this unit.
    public var accounts: Int64
    /// The sum of their current available balances.
    public var balance: FixedDecimal
    /// Movements (ModelRouter balance-log entries) in this unit.
    public var movements: Int64
    /// Their signed sum.
    public var movementTotal: FixedDecimal

    public var description: String {
        "\(unit): \(accounts) account\(accounts == 1 ? "" : "s"), balance \(balance), "
            + "\(movements) movement\(movements == 1 ? "" : "s") \(movementTotal)"
    }
}

extension LedgerComparison {
    /// Each unit's control totals in the ledger at `path`, ordered by unit.
    /// - Throws: ``StoreError`` when the file cannot be read or a sum overflows.
    public static func controlTotals(path: String) throws(StoreError) -> [UnitTotals] {
        do {
            let queue = try DatabaseQueue(path: path, configuration: LedgerDatabase.configuration(readonly: true))
            defer { try? queue.close() }
            return try queue.read { db in
                var totals: [String: UnitTotals] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT unit, count(*) AS n, sum(available_balance_whole) AS whole,
                            sum(available_balance_nanos) AS nanos
                        FROM balance_version
                        WHERE superseded_at IS NULL AND valid_to IS NULL AND state = 'present' AND unit IS NOT NULL
                        GROUP BY unit
                        """)
                {
                    let unit: String = try row.decode(forColumn: "unit")
                    totals[unit, default: .empty(unit)].accounts = try row.decode(forColumn: "n")
                    totals[unit, default: .empty(unit)].balance = try FixedDecimal(
                        summingWhole: try row.decode(Int64?.self, forColumn: "whole") ?? 0,
                        nanos: try row.decode(Int64?.self, forColumn: "nanos") ?? 0)
                }
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT unit, count(*) AS n, sum(change_amount_whole) AS whole, sum(change_amount_nanos) AS nanos
                        FROM modelrouter_balance_log GROUP BY unit
                        """)
                {
                    let unit: String = try row.decode(forColumn: "unit")
                    totals[unit, default: .empty(unit)].movements = try row.decode(forColumn: "n")
                    totals[unit, default: .empty(unit)].movementTotal = try FixedDecimal(
                        summingWhole: try row.decode(Int64?.self, forColumn: "whole") ?? 0,
                        nanos: try row.decode(Int64?.self, forColumn: "nanos") ?? 0)
                }
                return totals.keys.sorted().compactMap { totals[$0] }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
    }

    /// Findings for each unit whose totals in the ledger differ from the re-derived ones.
    public static func compareTotals(ledger: [UnitTotals], rederived: [UnitTotals]) -> [VerifyFinding] {
        let rebuilt = Dictionary(rederived.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        let here = Dictionary(ledger.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(rebuilt.keys).union(here.keys).sorted().compactMap { unit in
            let mine = here[unit] ?? .empty(unit)
            let theirs = rebuilt[unit] ?? .empty(unit)
            guard mine != theirs else { return nil }
            return VerifyFinding(
                check: .controlTotals, table: nil, detail: "here \(mine); re-derived \(theirs)")
        }
    }
}

extension UnitTotals {
    static func empty(_ unit: String) -> UnitTotals {
        UnitTotals(unit: unit, accounts: 0, balance: .zero, movements: 0, movementTotal: .zero)
    }
}
