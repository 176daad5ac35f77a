import Foundation
import GRDB
import LedgerCore
import LedgerSimulator
import LedgerDemo
import LedgerReports
import LedgerStore
import LedgerTestSupport
import Testing

/// The views of migration 0005 are for people reading the ledger in sqlite3 or Datasette. Their oracle is
/// `ledgersync query --format json`: the same rows must show the same times and the same amount text.
@Suite("Readable views")
struct ReadableViewsTests {
    /// A row as comparable text: every value as the JSON output would print it, `nil` for null.
    typealias TextRow = [String: String?]

    @Test("Each view shows exactly what `query --format json` prints, amounts at any scale and sign")
    func viewsMatchQueries() async throws {
        let directory = try TemporaryDirectory()
        let demo = try await DemoRunner(directory: directory.file("demo"), logger: SyncHarness.quiet).run { _ in }
        // The demo's amounts have four digits; add a source whose amounts have up to eight, negative and tiny ones,
        // so a view that dropped a sign, a leading zero or the unit's scale would differ.
        var generator = SplitMix64(seed: 0x0005)
        let texts =
            ["0.00000001", "-0.00000001", "-0.5", "0", "-12345678901234.5678", "7"]
            + (0..<40).map { _ in Self.randomText(&generator) }
        let database = try LedgerDatabase.open(path: demo.databasePath, logger: SyncHarness.quiet)
        let at = Instant(millisecondsSinceEpoch: 1_793_577_600_123)
        try await database.transaction(at: at) { tx in
            let source = try tx.sourceID(name: "dms-exact", kind: .dmsCredit)
            for (index, text) in texts.enumerated() {
                let observation = BalanceObservation(
                    account: .dmsCredit(orgID: Int64(index + 1), orgType: 2), displayName: "组织 <\(index)>",
                    sourceModifiedAt: nil, observedAt: at,
                    figures: BalanceFigures(
                        unit: .tokens, availableBalance: try FixedDecimal(parsing: text),
                        creditLimit: try FixedDecimal(parsing: texts[(index + 1) % texts.count])),
                    details: .dmsCredit(
                        DMSCreditDetails(
                            availableAmount: nil, totalUsedLimit: nil, isUnlimitedCredit: false, isExpired: false,
                            settingCredit: nil, creditMode: nil, accountDays: nil, accountDaysText: nil,
                            creditEndTime: nil, orgType: 2, isCheckedName: nil)))
                _ = try tx.record(
                    observation,
                    raw: RawResponseRecord(
                        method: "GET", url: "https://example.invalid/\(index)", action: nil, httpStatus: 200,
                        dateHeaderAt: at, receivedAt: at, requestID: nil, body: Array(text.utf8)),
                    sourceID: source, runID: nil)
            }
        }
        try database.close()

        let reader = try LedgerReader.open(path: demo.databasePath)
        defer { try? reader.close() }
        var everything = QueryOptions()
        everything.format = .json
        everything.page = .all
        var superseded = everything
        superseded.includeSuperseded = true
        // Current versions have neither an end nor a successor: the view leaves out those two always-null columns.
        let pairs: [(view: String, kind: QueryKind, options: QueryOptions, minimum: Int, omitted: Set<String>)] = [
            ("current_balances", .balances, everything, 40, ["valid_to", "superseded_at"]),
            ("balance_history", .history, superseded, 80, []),
            ("conflicts_readable", .conflicts, everything, 2, []),
            ("movements_readable", .movements, everything, 5, []),
        ]
        let queue = try DatabaseQueue(path: demo.databasePath, configuration: Self.readOnly)
        defer { try? queue.close() }
        for pair in pairs {
            let output = try await QueryRunner.run(pair.kind, reader: reader, options: pair.options)
            let expected = try Self.textRows(json: output.text)
            let viewRows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(pair.view)") }
            let columns = viewRows.first.map { Array($0.columnNames) } ?? []
            // The view shows at least what the query prints, under the same names.
            let printed = Set(expected.first?.keys.map { $0 } ?? [])
            #expect(printed.subtracting(columns) == pair.omitted, "\(pair.view) lacks other columns")
            let compared = printed.intersection(columns)
            let actual = viewRows.map { row in
                Dictionary(uniqueKeysWithValues: compared.map { ($0, Self.text(row[$0] as DatabaseValue)) })
            }
            let expectedShown = expected.map { $0.filter { compared.contains($0.key) } }
            #expect(expected.count >= pair.minimum, "\(pair.view): only \(expected.count) rows to compare")
            #expect(Self.sorted(actual) == Self.sorted(expectedShown), "\(pair.view) differs from query \(pair.kind)")
        }
        // The exact amounts themselves, not only their agreement with the query.
        let exact = try await queue.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT available_balance FROM current_balances WHERE source = 'dms-exact' ORDER BY version_id")
        }
        #expect(
            exact.prefix(6) == [
                "0.00000001", "-0.00000001", "-0.50000000", "0.00000000", "-12345678901234.56780000",
                "7.00000000",
            ])
    }

    static let readOnly: Configuration = {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }()

    /// A random decimal text with 0–8 fractional digits, as a source could send it.
    static func randomText(_ generator: inout SplitMix64) -> String {
        let negative = generator.next() % 3 == 0
        let integer = generator.next() % 1_000_000
        let digits = Int(generator.next() % 9)
        let fraction = (0..<digits).map { _ in String(generator.next() % 10) }.joined()
        return (negative ? "-" : "") + String(integer) + (digits > 0 ? "." + fraction : "")
    }

    /// The rows of a `query --format json` array, each value as text (amount objects as their amount).
    static func textRows(json: String) throws -> [TextRow] {
        guard case .array(let rows) = try JSONValue.parse(json) else { throw ViewTestError("not a JSON array") }
        return try rows.map { row in
            guard case .object(let object) = row else { throw ViewTestError("a row is not an object") }
            var result: TextRow = [:]
            for (key, value) in object.members {
                switch value {
                case .null: result[key] = .some(nil)
                case .bool(let flag): result[key] = flag ? "1" : "0"
                case .number(let token): result[key] = token
                case .string(let text): result[key] = text
                case .object(let amount):
                    guard case .string(let text)? = amount["amount"] else {
                        throw ViewTestError("\(key) has no amount")
                    }
                    result[key] = text
                case .array: throw ViewTestError("\(key) is an array")
                }
            }
            return result
        }
    }

    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let integer): String(integer)
        case .string(let text): text
        case .double(let double): "double \(double)"
        case .blob: "blob"
        }
    }

    static func sorted(_ rows: [TextRow]) -> [String] {
        rows.map { row in
            row.keys.sorted().map { "\($0)=\(row[$0].flatMap { $0 } ?? "NULL")" }.joined(separator: "|")
        }.sorted()
    }
}

struct ViewTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
