import LedgerCore

/// Rows of typed cells under named columns: what `query` prints and what the CSV files of an export hold.
public struct ReportTable: Sendable, Equatable {
    /// A column, and whether the aligned text form shows it (the machine forms show every column).
    public struct Column: Sendable, Equatable {
        /// The column's name (the CSV header, the JSON key).
        public var name: String
        /// Whether the aligned text form shows it.
        public var inText: Bool

        /// A column; `inText: false` keeps it out of the aligned text form.
        public init(_ name: String, inText: Bool = true) {
            self.name = name
            self.inText = inText
        }
    }

    /// One value.
    public enum Cell: Sendable, Equatable {
        /// No value.
        case null
        /// Text (escaped by every renderer).
        case text(String)
        /// An integer count or id.
        case integer(Int64)
        /// A flag.
        case bool(Bool)
        /// An exact amount; the text form shows it with its unit, CSV and JSON keep the unit in its own column
        /// (JSON also beside the amount).
        case amount(FixedDecimal, MoneyUnit?)
        /// An instant, shown in the output's zone.
        case instant(Instant)
        /// A number computed outside the ledger (user SQL), kept as its text.
        case number(String)
    }

    /// The columns, in order.
    public var columns: [Column]
    /// The rows, each with one cell per column.
    public var rows: [[Cell]]
    /// The display scale of each unit: every amount of a unit is written with its unit's fractional digits.
    public var scales: UnitScales

    /// A table; `scales` gives the display scale of each unit.
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
