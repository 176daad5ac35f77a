import Foundation
import LedgerCore
import LedgerStore

/// An external statement to match against the ledger: CSV with the columns `source, account, unit, amount,
/// as_of` (in any order, extra columns ignored).
public struct StatementFile: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// The line in the file (1 is the header).
        public var lineNumber: Int
        /// The source instance's name.
        public var source: String
        /// The account's key.
        public var account: String
        /// The unit, as written.
        public var unit: String
        /// The statement's balance.
        public var amount: FixedDecimal
        /// The instant the balance is as of.
        public var asOf: Instant
    }

    /// The file name as given.
    public var name: String
    /// The lines that parsed, in file order.
    public var lines: [Line]
    /// Lines that could not be read, with their number and why.
    public var malformed: [(lineNumber: Int, reason: String)]

    public static func == (lhs: StatementFile, rhs: StatementFile) -> Bool {
        lhs.name == rhs.name && lhs.lines == rhs.lines
            && lhs.malformed.map(\.lineNumber) == rhs.malformed.map(\.lineNumber)
    }

    static let required = ["source", "account", "unit", "amount", "as_of"]

    /// Reads a statement.
    /// - Parameters:
    ///   - text: The CSV text (a UTF-8 BOM is allowed).
    ///   - name: The file name, for messages.
    ///   - zone: The zone of `as_of` values given as a date alone.
    /// - Returns: The lines, and the malformed ones with their line numbers.
    /// - Throws: ``ReportInputError`` when the header lacks a required column or a quote is never closed.
    public static func parse(_ text: String, name: String, zone: DisplayZone) throws(ReportInputError) -> StatementFile
    {
        let records: [(line: Int, fields: [String])]
        switch CSV.parse(text) {
        case .success(let parsed): records = parsed
        case .failure(let error):
            throw ReportInputError(argument: "\(name) line \(error.line)", value: "", reason: error.reason)
        }
        guard let header = records.first else {
            throw ReportInputError(
                argument: "--statement", value: name,
                reason: "the file is empty; expected a header "
                    + required.joined(separator: ","))
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for name in required {
            guard let position = columns.firstIndex(of: name) else {
                throw ReportInputError(
                    argument: "--statement", value: "\(name)",
                    reason: "the header has no \"\(name)\" column; expected " + required.joined(separator: ","))
            }
            index[name] = position
        }
        var lines: [Line] = []
        var malformed: [(Int, String)] = []
        for record in records.dropFirst() {
            func field(_ name: String) -> String? {
                let position = index[name]!
                return position < record.fields.count
                    ? record.fields[position].trimmingCharacters(in: .whitespaces) : nil
            }
            guard let source = field("source"), let account = field("account"), let unit = field("unit"),
                let amountText = field("amount"), let asOfText = field("as_of")
            else {
                malformed.append((record.line, "expected \(columns.count) fields, found \(record.fields.count)"))
                continue
            }
            if source.isEmpty || account.isEmpty || unit.isEmpty {
                malformed.append((record.line, "source, account and unit must not be empty"))
                continue
            }
            let amount: FixedDecimal
            do { amount = try FixedDecimal(parsing: amountText) } catch {
                malformed.append((record.line, "amount \"\(amountText.prefix(40))\": \(error)"))
                continue
            }
            let asOf: Instant
            do { asOf = try zone.parse(asOfText, argument: "as_of") } catch {
                malformed.append((record.line, "as_of \"\(asOfText.prefix(40))\" is not a date or a time with a zone"))
                continue
            }
            lines.append(
                Line(lineNumber: record.line, source: source, account: account, unit: unit, amount: amount, asOf: asOf))
        }
        return StatementFile(name: name, lines: lines, malformed: malformed)
    }
}

extension Reconciler {
    /// Matches statement lines to ledger balances one-to-one on (source, account, unit, as_of): a line matches the
    /// balance valid at its `as_of`; a second line for the same balance is never matched to it again.
    static func match(
        _ statement: StatementFile, reader: any ReportStore, filter: QueryFilter, closing: [Int64: BalanceRow],
        parameters p: ReportParameters
    ) async throws -> StatementMatching {
        var result: [StatementMatching.Line] = statement.malformed.map {
            StatementMatching.Line(
                status: .malformed, lineNumber: $0.lineNumber, source: "", account: "", unit: "",
                statementAmount: nil, storeAmount: nil, difference: nil, asOf: nil, note: $0.reason)
        }
        // The balances at each distinct as_of, fetched once per instant for the whole selection.
        var byInstant: [Instant: [String: BalanceRow]] = [:]
        var used: [String: Int] = [:]
        var matchedAccounts = Set<Int64>()
        for line in statement.lines {
            if byInstant[line.asOf] == nil {
                let rows = try await reader.balances(asOf: AsOf(valid: line.asOf), filter: filter, page: .all).rows
                byInstant[line.asOf] = Dictionary(
                    uniqueKeysWithValues: rows.map { ("\($0.account.source)\u{1F}\($0.account.key)", $0) })
            }
            var entry = StatementMatching.Line(
                status: .missingInStore, lineNumber: line.lineNumber, source: line.source, account: line.account,
                unit: line.unit, statementAmount: line.amount, storeAmount: nil, difference: nil, asOf: line.asOf,
                note: nil)
            let key = "\(line.source)\u{1F}\(line.account)"
            if let row = byInstant[line.asOf]![key], row.state == .present {
                let useKey = "\(key)\u{1F}\(line.unit)\u{1F}\(line.asOf.millisecondsSinceEpoch)"
                if let first = used[useKey] {
                    entry.note = "the ledger balance was already matched by line \(first)"
                } else if row.unit?.name != line.unit {
                    entry.note = "the ledger holds this account in \(row.unit?.name ?? "no unit"), not \(line.unit)"
                } else if let amount = row.availableBalance {
                    used[useKey] = line.lineNumber
                    matchedAccounts.insert(row.account.accountID)
                    entry.storeAmount = amount
                    entry.difference = try amount.subtracting(line.amount)
                    entry.status = amount == line.amount ? .matched : .amountMismatch
                }
            } else {
                entry.note = "no balance for this account at \(p.zone.format(line.asOf))"
            }
            result.append(entry)
        }
        // Balances at the period's end that no line claimed.
        for row in closing.values.sorted(by: {
            ($0.account.source, $0.account.key) < ($1.account.source, $1.account.key)
        })
        where row.state == .present && !matchedAccounts.contains(row.account.accountID) {
            result.append(
                StatementMatching.Line(
                    status: .missingInStatement, lineNumber: nil, source: row.account.source, account: row.account.key,
                    unit: row.unit?.name ?? "", statementAmount: nil, storeAmount: row.availableBalance,
                    difference: nil,
                    asOf: p.to, note: "no statement line for the balance at the period's end"))
        }
        return StatementMatching(file: statement.name, lines: result)
    }
}
