import Foundation
import LedgerCore
import LedgerStore
import Logging

/// `ledgersync verify` without `--quick`: the quick checks, then every derived row re-derived from the raw
/// responses and compared, and every unit's control totals recomputed.
///
/// The ledger itself is only read. A snapshot of it (SQLite's backup API, so a sync may write meanwhile) goes to a
/// scratch directory, a second copy of the snapshot is rebuilt there from its raw responses (``Rebuilder``), and
/// the two are compared table by table in key order, a row at a time. The scratch copies are removed afterwards.
public struct FullVerifier: Sendable {
    let configuration: SyncConfiguration
    let scratchDirectory: String
    let logger: Logger

    /// - Parameters:
    ///   - configuration: The sources' units and the clock-skew allowance, as the rebuild needs them (a
    ///     configuration without sources rebuilds with each kind's default unit).
    ///   - scratchDirectory: Where the two scratch copies go: room for twice the ledger.
    public init(configuration: SyncConfiguration, scratchDirectory: String, logger: Logger) {
        self.configuration = configuration
        self.scratchDirectory = scratchDirectory
        self.logger = logger
    }

    /// What a full verification found.
    public struct Outcome: Sendable {
        /// The quick checks' result (the chain's head included).
        public var quick: QuickVerification
        /// Every finding: the quick checks', then the re-derived rows', then the control totals'.
        public var findings: [VerifyFinding]
        /// Each unit's control totals as re-derived (empty when the file was too damaged to rebuild).
        public var totals: [UnitTotals]
        /// Whether the rows were re-derived and compared.
        public var rederived: Bool
    }

    /// Verifies the ledger at `path`.
    /// - Parameter expectHead: A chain hash written down earlier, which must be a point of this ledger's chain.
    /// - Throws: ``StoreError`` when the file cannot be read as a ledger, or the scratch copies cannot be made.
    public func run(path: String, expectHead: String?) async throws(StoreError) -> Outcome {
        let quick = try LedgerVerifier.quick(path: path, expectHead: expectHead)
        guard !quick.findings.contains(where: { $0.check == .integrity || $0.check == .migration }) else {
            // A damaged file, or one whose schema this build does not know, is not rebuilt: what it would re-derive
            // means nothing.
            return Outcome(quick: quick, findings: quick.findings, totals: [], rederived: false)
        }
        let scratch = try makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let snapshot = scratch + "/ledger.sqlite"
        let rederived = scratch + "/rederived.sqlite"
        try LedgerBackup.snapshot(from: path, to: snapshot)
        // Brings an older ledger's snapshot to this build's schema (the ledger itself is left alone).
        try LedgerDatabase.open(path: snapshot, logger: logger).close()
        try LedgerBackup.snapshot(from: snapshot, to: rederived)
        let database = try LedgerDatabase.open(path: rederived, logger: logger)
        let rebuilt = SyncConfiguration(
            storePath: rederived, clockSkewSeconds: configuration.clockSkewSeconds, sources: configuration.sources)
        do {
            _ = try await Rebuilder(configuration: rebuilt, database: database, logger: logger).run()
            try database.close()
        } catch {
            try? database.close()
            throw error
        }
        let rows = try LedgerComparison.compare(ledger: snapshot, rederived: rederived)
        let here = try LedgerComparison.controlTotals(path: snapshot)
        let there = try LedgerComparison.controlTotals(path: rederived)
        return Outcome(
            quick: quick,
            findings: quick.findings + rows + LedgerComparison.compareTotals(ledger: here, rederived: there),
            totals: there, rederived: true)
    }

    private func makeScratch() throws(StoreError) -> String {
        var template = Array((scratchDirectory + "/ledgersync-verify-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StoreError(
                .copyFailed(
                    destination: scratchDirectory,
                    "cannot make a scratch directory: \(String(cString: strerror(errno)))"),
                path: nil)
        }
        return String(cString: made)
    }
}
