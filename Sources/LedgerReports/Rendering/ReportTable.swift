import LedgerCore

/// Rows of typed cells under named columns: what `query` prints and what the CSV files of an export hold.
public struct ReportTable: Sendable, Equatable {
    /// A column, and whether the aligned text form shows it (the machine forms show every column).
    public struct Column: Sendable, Equatable {
        public var name: String
        public var inText: Bool

        public init(_ name: String, inText: Bool = true) {
            self.name = name
            self.inText = inText
        }
    }

    /// One value.
    public enum Cell: Sendable, Equatable {
        case null
        case text(String)
        case integer(Int64)
        case bool(Bool)
        /// An exact amount; the text form shows it with its unit, CSV and JSON keep the unit in its own column
        /// (JSON also beside the amount).
        case amount(FixedDecimal, MoneyUnit?)
        case instant(Instant)
        /// A number computed outside the ledger (user SQL), kept as its text.
        case number(String)
    }

    public var columns: [Column]
    public var rows: [[Cell]]
    /// The display scale of each unit: every amount of a unit is written with its unit's fractional digits.
    public var scales: UnitScales

    public init(columns: [Column], rows: [[Cell]] = [], scales: UnitScales = UnitScales()) {
        self.columns = columns
        self.rows = rows
        self.scales = scales
    }

    /// Output formats of `ledgersync query`.
    public enum Format: String, Sendable, CaseIterable {
        case table, json, ndjson, csv
    }

    /// The table in a format.
    /// - Parameters:
    ///   - format: table, json, ndjson or csv.
    ///   - zone: The zone times are shown in (table and CSV; JSON is always UTC).
    /// - Returns: The text, ending in a newline.
    public func rendered(as format: Format, zone: DisplayZone = .utc) -> String {
        switch format {
        case .table: alignedText(zone: zone)
        case .json: jsonArray()
        case .ndjson: ndjson()
        case .csv: csv(zone: zone)
        }
    }
}

extension ReportTable.Cell {
    static func amount(_ value: FixedDecimal?, _ unit: MoneyUnit?) -> Self {
        value.map { .amount($0, unit) } ?? .null
    }

    static func instant(_ value: Instant?) -> Self {
        value.map { .instant($0) } ?? .null
    }

    static func text(_ value: String?) -> Self {
        value.map { .text($0) } ?? .null
    }

    static func integer(_ value: Int64?) -> Self {
        value.map { .integer($0) } ?? .null
    }

    static func integer(_ value: Int?) -> Self {
        value.map { .integer(Int64($0)) } ?? .null
    }
}
