import GRDB
import LedgerCore

/// Enums kept as text (`source_instance.kind`, `balance_version.state`, …), read back without trusting the file:
/// a value this build does not know is a ``StoreError`` naming the table, the column and the value, never a crash
/// and never a silent default.
enum StoredEnum {
    /// The enum case stored as `text` in `table.column`.
    static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ text: String?, table: String, column: String
    ) throws(StoreError) -> Value where Value.RawValue == String {
        guard let text, let value = Value(rawValue: text) else {
            throw StoreError(.unexpectedValue(table: table, column: column, value: text ?? "NULL"))
        }
        return value
    }

    /// The enum case in column `column` of `row`, stored in `table`.
    static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ row: Row, _ column: String, table: String
    ) throws(StoreError) -> Value where Value.RawValue == String {
        // Read as a database value first: a number or a blob where text belongs is reported, not trapped on.
        let text: String? =
            switch (row[column] as DatabaseValue?)?.storage {
            case .string(let text): text
            case .int64(let number): String(number)
            case .double(let number): String(number)
            case .blob(let data): "\(data.count) bytes"
            case .null, nil: nil
            }
        return try decode(type, text, table: table, column: column)
    }
}
