import Foundation
import GRDB
import LedgerCore

/// One thing `verify` found wrong, naming where.
public struct VerifyFinding: Sendable, Equatable, CustomStringConvertible {
    /// Which check found it.
    public enum Check: String, Sendable {
        /// SQLite's `PRAGMA integrity_check`: the file's pages, indexes and records.
        case integrity
        /// SQLite's `PRAGMA foreign_key_check`: a row whose parent is missing.
        case foreignKey = "foreign_key"
        /// A migration recorded in the ledger that differs from, or is unknown to, the one this build ships.
        case migration
        /// The hash chain over the facts: a link, or a fact it points to, that is not as it was written.
        case chain
        /// A derived row that differs from what the raw responses re-derive (full verification only).
        case rederived
        /// A unit's control totals that differ from the re-derived ones (full verification only).
        case controlTotals = "control_totals"
    }

    /// A finding of `check` in `table`.
    public init(check: Check, table: String?, detail: String) {
        self.check = check
        self.table = table
        self.detail = detail
    }

    public var check: Check
    /// The table concerned, when the check names one.
    public var table: String?
    /// What is wrong there.
    public var detail: String

    public var description: String {
        "\(check.rawValue): " + (table.map { "\($0): " } ?? "") + detail
    }
}

/// What the quick checks found.
public struct QuickVerification: Sendable {
    /// What is wrong, in check order; empty for a sound ledger.
    public var findings: [VerifyFinding]
    /// The chain's last link, as read.
    public var head: ChainHead
    /// Where the head asked for was found in the chain, when one was asked for and found.
    public var expectedHeadAt: Int64?

    /// What either store's quick checks found.
    package init(findings: [VerifyFinding], head: ChainHead, expectedHeadAt: Int64?) {
        self.findings = findings
        self.head = head
        self.expectedHeadAt = expectedHeadAt
    }
}

/// Checks a ledger file without changing it.
public enum LedgerVerifier {
    /// The quick checks: SQLite's integrity check, the foreign keys, each recorded migration against the one this
    /// build ships, and the hash chain (every link and the fact it points to). They read one consistent snapshot (a
    /// read transaction), so they may run while a sync writes.
    /// - Parameter expectHead: A chain hash written down earlier, which must be a point of this ledger's chain.
    /// - Throws: ``StoreError`` when the file cannot be read as a ledger at all.
    public static func quick(path: String, expectHead: String? = nil) throws(StoreError) -> QuickVerification {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.invalidData("no ledger here"), path: path)
        }
        // SQLite checks on one thread: integrity_check runs on a connection of its own, on another core, while this
        // one checks the foreign keys, the migrations and the chain (a walk that spends its time hashing).
        let integrity = BackgroundWork { () throws -> [String] in
            let queue = try DatabaseQueue(path: path, configuration: LedgerDatabase.configuration(readonly: true))
            defer { try? queue.close() }
            return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                .filter { $0 != "ok" }
        }
        let rest: Result<QuickVerification, any Error>
        do {
            let queue = try DatabaseQueue(path: path, configuration: LedgerDatabase.configuration(readonly: true))
            defer { try? queue.close() }
            rest = .success(try queue.read { db in try checks(db, path: path, expectHead: expectHead) })
        } catch {
            rest = .failure(error)
        }
        let damage: [VerifyFinding]
        do {
            damage = try integrity.wait().map { VerifyFinding(check: .integrity, table: nil, detail: $0) }
        } catch {
            throw StoreError(wrapping: error, path: path)
        }
        // A damaged file may still answer some questions; the chain of a damaged file means nothing.
        guard damage.isEmpty else {
            let foreignKeys = (try? rest.get())?.findings.filter { $0.check == .foreignKey } ?? []
            return QuickVerification(
                findings: damage + foreignKeys + [
                    VerifyFinding(
                        check: .chain, table: nil,
                        detail: "not walked: the file is damaged (restore a backup, then verify again)")
                ], head: .genesis, expectedHeadAt: nil)
        }
        switch rest {
        case .success(let verification): return verification
        case .failure(let error as StoreError): throw error
        case .failure(let error): throw StoreError(wrapping: error, path: path)
        }
    }

    /// The foreign keys, the migrations and the chain, in one read transaction.
    private static func checks(_ db: Database, path: String, expectHead: String?) throws -> QuickVerification {
        var findings: [VerifyFinding] = []
        for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
            let table: String = try row.decode(atIndex: 0)
            let rowID: Int64? = try row.decode(atIndex: 1)
            let parent: String = try row.decode(atIndex: 2)
            findings.append(
                VerifyFinding(
                    check: .foreignKey, table: table,
                    detail: "row \(rowID.map(String.init) ?? "?") refers to a missing row of \(parent)"))
        }
        findings += migrationFindings(
            state: try LedgerDatabase.readState(db, path: path), shipped: Migration.shipped)
        guard try db.tableExists("fact_chain") else {
            findings.append(
                VerifyFinding(
                    check: .chain, table: nil,
                    detail: "the ledger has no chain yet (schema before 0007): open it with this build to add one"))
            return QuickVerification(findings: findings, head: .genesis, expectedHeadAt: nil)
        }
        let walk = try walkChain(db, expectHead: expectHead)
        return QuickVerification(findings: findings + walk.findings, head: walk.head, expectedHeadAt: walk.expectedAt)
    }

    /// The applied migrations a build does not ship, or whose checksum differs from the shipped file (either store).
    package static func migrationFindings(state: AppliedState, shipped migrations: [Migration]) -> [VerifyFinding] {
        let shipped = Dictionary(uniqueKeysWithValues: migrations.map { ($0.id, $0.sha256) })
        var findings: [VerifyFinding] = []
        for id in state.applied {
            guard let sha256 = shipped[id] else {
                findings.append(
                    VerifyFinding(
                        check: .migration, table: "schema_migration",
                        detail: "\(id) is unknown to this build (a newer build wrote the ledger)"))
                continue
            }
            let recorded = state.recorded[id]?.sha256 ?? "none"
            if recorded != sha256 {
                findings.append(
                    VerifyFinding(
                        check: .migration, table: "schema_migration",
                        detail: "\(id) was applied with SHA-256 \(recorded); this build ships \(sha256)"))
            }
        }
        return findings
    }
}
