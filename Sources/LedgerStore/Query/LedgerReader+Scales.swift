import GRDB
import LedgerCore

extension LedgerReader {
    /// Each unit's display scale as the ledger keeps it: every amount of a unit is shown with that many
    /// fractional digits (see ``UnitScales``).
    /// - Throws: ``QueryError`` when the store fails or holds a unit name that is not valid.
    public func unitScales() throws(QueryError) -> UnitScales {
        try read { db in
            var scales: [MoneyUnit: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT unit, scale FROM unit_scale") {
                scales[try MoneyUnit(row[0] as String)] = row[1]
            }
            return UnitScales(scales)
        }
    }
}
