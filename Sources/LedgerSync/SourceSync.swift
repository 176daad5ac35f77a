import Foundation
import LedgerCore
import LedgerSources
import LedgerStore
import Logging

/// One source's part of a run: discovery, bounded concurrent fetches, one transaction per target, gone marking.
struct SourceSync: Sendable {
    let engine: SyncEngine
    let committer: GroupCommitter
    let source: SourceConfiguration
    let sourceID: Int64
    let runID: Int64

    typealias Fetch = @Sendable (AccountKey) async throws(SourceError) -> FetchOutcome<BalanceObservation>

    func run() async throws(StoreError) -> SyncReport.Source {
        let http = engine.httpClient(for: source)
        var targets = source.accounts
        var names: [AccountKey: String] = [:]
        var discovery = source.discover ? "complete" : "none"
        var totals = RunCounts()
        let fetch: Fetch
        var modelRouter: ModelRouterConnector?

        switch source.credentials {
        case .modelRouter(let id, let secret):
            let connector = ModelRouterConnector(
                name: source.name, baseURL: source.baseURL, currency: source.unit, accessKeyID: id,
                accessKeySecret: secret, http: http, clock: engine.clock)
            modelRouter = connector
            if source.discover {
                let found = await connector.discoverClients()
                for client in found.items {
                    targets.append(.modelRouter(clientID: client.id))
                    if let name = client.name { names[.modelRouter(clientID: client.id)] = name }
                }
                discovery = try await settle(found.complete, found.failure, found.quarantined, &totals)
            }
            fetch = { key throws(SourceError) in
                guard case .modelRouter(let clientID) = key else { preconditionFailure("not a ModelRouter key") }
                return try await connector.balance(clientID: clientID)
            }
        case .dms(let authentication):
            let connector = DMSCreditConnector(
                name: source.name, baseURL: source.baseURL, currency: source.unit, authentication: authentication,
                http: http)
            fetch = { key throws(SourceError) in
                guard case .dmsCredit(let orgID, let orgType) = key else { preconditionFailure("not a DMS key") }
                return try await connector.credit(orgID: orgID, orgType: orgType)
            }
        case .twcc(let authentication):
            let connector = TWCCWalletConnector(
                name: source.name, baseURL: source.baseURL, authentication: authentication, http: http,
                clock: engine.clock)
            if source.discover {
                var complete = true
                for project in source.projects {
                    let found = await connector.discoverWallets(projectCode: project)
                    for wallet in found.items {
                        targets.append(.twccWallet(projectCode: project, walletCode: wallet.walletCode))
                    }
                    let state = try await settle(found.complete, found.failure, found.quarantined, &totals)
                    if state != "complete" { complete = false }
                }
                discovery = complete ? "complete" : (targets.isEmpty ? "failed" : "partial")
            }
            fetch = { key throws(SourceError) in
                guard case .twccWallet(let project, let wallet) = key else { preconditionFailure("not a TWCC key") }
                return try await connector.wallet(projectCode: project, walletCode: wallet)
            }
        }

        // Unique targets in a stable order.
        var seen = Set<AccountKey>()
        targets = targets.filter { seen.insert($0).inserted }
        let connector = modelRouter
        let names_ = names
        engine.progress?.total(source.name, targets.count)
        // Twice the HTTP concurrency: a target waiting for the single writer leaves its request slot to another
        // (the source's HTTP client still caps requests in flight).
        let unchanged = UnchangedTargets()
        totals = totals + (try await forEach(targets, concurrency: source.limits.concurrency * 2) {
            key async throws(StoreError) -> RunCounts in
            try await process(key, fetch: fetch, modelRouter: connector, displayName: names_[key], unchanged: unchanged)
        })
        // Unchanged targets wrote nothing: their counts and last-seen times land now, in one transaction.
        let quiet = unchanged.drain()
        if !quiet.isEmpty {
            var counts = RunCounts()
            counts.targets = quiet.count
            counts.fetched = quiet.count
            counts.unchanged = quiet.count
            totals = totals + counts
            let sourceID = sourceID
            let runID = runID
            let flushed = counts
            try await engine.database.transaction { tx in
                try tx.touch(sourceID: sourceID, accounts: quiet)
                try tx.addCounts(runID: runID, sourceID: sourceID, flushed)
            }
        }

        // Only a complete discovery may say an account is gone.
        if discovery == "complete" {
            let listed = Set(targets.map(\.description))
            let kind = source.kind
            let sourceID = sourceID
            let runID = runID
            let gone = try await engine.database.transaction { tx in
                var count = 0
                for key in try tx.presentAccounts(sourceID: sourceID) where !listed.contains(key) {
                    if let account = AccountKey(key, kind: kind),
                        try tx.markGone(sourceID: sourceID, account: account, runID: runID)
                    {
                        count += 1
                    }
                }
                var counts = RunCounts()
                counts.gone = count
                try tx.addCounts(runID: runID, sourceID: sourceID, counts)
                if kind == .twccWallet { try tx.linkTWCCMotherWallets(sourceID: sourceID) }
                return count
            }
            totals.gone += gone
        } else if source.kind == .twccWallet {
            let sourceID = sourceID
            try await engine.database.transaction { tx in try tx.linkTWCCMotherWallets(sourceID: sourceID) }
        }

        let status: RunStatus =
            (totals.fetched == 0 && (totals.errors > 0 || discovery == "failed")) ? .failed
            : (totals.errors > 0 || totals.quarantined > 0 || discovery == "partial" || discovery == "failed")
                ? .partial : .complete
        let finalStatus = status
        let finalDiscovery = discovery
        let sourceID = sourceID
        let runID = runID
        try await engine.database.transaction { tx in
            try tx.finishRunSource(runID: runID, sourceID: sourceID, status: finalStatus, discovery: finalDiscovery)
        }
        return SyncReport.Source(name: source.name, status: status, discovery: discovery, counts: totals)
    }

    /// Records a discovery's failure and quarantined pages; returns its state.
    private func settle(
        _ complete: Bool, _ failure: SourceError?, _ quarantined: [(problem: DecodingProblem, response: SourceResponse)],
        _ totals: inout RunCounts
    ) async throws(StoreError) -> String {
        guard !complete else { return "complete" }
        let sourceID = sourceID
        let runID = runID
        let name = source.name
        let counts = try await engine.database.transaction { tx in
            var counts = RunCounts()
            if let failure {
                try tx.recordFetchError(sourceID: sourceID, runID: runID, failure.record(account: nil))
                counts.errors += 1
            }
            for page in quarantined {
                try tx.recordQuarantine(
                    sourceID: sourceID, runID: runID, account: nil, target: "discovery of \(name)",
                    reason: page.problem.description, raw: page.response.record)
                counts.quarantined += 1
            }
            try tx.addCounts(runID: runID, sourceID: sourceID, counts)
            return counts
        }
        totals = totals + counts
        engine.logger.warning(
            "discovery incomplete; no account will be marked gone",
            metadata: ["source": "\(source.name)", "reason": "\(failure?.description ?? "undecodable page")"])
        return "partial"
    }

    /// Fetches one target and writes everything it produced in one transaction.
    private func process(
        _ key: AccountKey, fetch: Fetch, modelRouter: ModelRouterConnector?, displayName: String?,
        unchanged: UnchangedTargets
    ) async throws(StoreError) -> RunCounts {
        let outcome: Result<FetchOutcome<BalanceObservation>, SourceError>
        do {
            outcome = .success(try await fetch(key))
        } catch {
            outcome = .failure(error)
        }
        // ModelRouter movements: pulled after the balance, written with it.
        var logs: Result<(entries: [BalanceLogEntry], responses: [SourceResponse]), SourceError>?
        if let modelRouter, case .modelRouter(let clientID) = key, case .success(.decoded) = outcome {
            let cursor = try await engine.database.logCursor(sourceID: sourceID, clientID: clientID)
            do {
                logs = .success(try await modelRouter.balanceLogs(clientID: clientID, after: cursor))
            } catch {
                logs = .failure(error)
            }
        }
        if case .failure(let error) = outcome {
            engine.logger.warning("fetch failed", metadata: ["source": "\(source.name)", "error": "\(error)"])
        }
        // Nothing new: same content as the current version and no new movement. Confirmed on a reader, so the
        // writer is not involved at all.
        if case .success(.decoded(let observation, _)) = outcome, (try? logs?.get().entries.isEmpty) ?? true,
            try await engine.database.isCurrent(
                sourceID: sourceID, account: key, contentHash: observation.contentHash,
                displayName: displayName ?? observation.displayName)
        {
            unchanged.add(key)
            var counts = RunCounts()
            counts.targets = 1
            engine.progress?.finished(source.name, counts)
            return RunCounts()
        }
        let sourceID = sourceID
        let runID = runID
        let skew = engine.configuration.clockSkewSeconds * 1000
        let logResult = logs
        // The target's whole result is one savepoint of a group transaction: all of it or none of it.
        return try await committer.write { tx in
            var counts = RunCounts()
            counts.targets = 1
            switch outcome {
            case .success(.decoded(var observation, let response)):
                counts.fetched = 1
                if let displayName { observation.displayName = displayName }
                switch try tx.record(
                    observation, raw: response.record, sourceID: sourceID, runID: runID, clockSkewMilliseconds: skew)
                {
                case .added: counts.versionsAdded = 1
                case .unchanged: counts.unchanged = 1
                case .conflict(_, let recorded): counts.conflicts = recorded ? 1 : 0
                }
                switch logResult {
                case .success(let page)?:
                    if case .modelRouter(let clientID) = key {
                        counts.logEntries = try tx.insertBalanceLogs(
                            sourceID: sourceID, clientID: clientID, unit: observation.figures.unit,
                            entries: page.entries, raws: page.responses.map(\.record), runID: runID)
                    }
                case .failure(let error)?:
                    try tx.recordFetchError(sourceID: sourceID, runID: runID, error.record(account: key))
                    counts.errors += 1
                case nil: break
                }
            case .success(.quarantined(let problem, let response)):
                counts.fetched = 1
                counts.quarantined = 1
                try tx.recordQuarantine(
                    sourceID: sourceID, runID: runID, account: key, target: key.description,
                    reason: problem.description, raw: response.record)
            case .failure(let error):
                counts.errors = 1
                // Known to the ledger so the error names it, but not "seen": staleness must still show.
                _ = try tx.accountID(sourceID: sourceID, key: key, seen: false)
                try tx.recordFetchError(sourceID: sourceID, runID: runID, error.record(account: key))
            }
            try tx.addCounts(runID: runID, sourceID: sourceID, counts)
            return counts
        }.also { engine.progress?.finished(source.name, $0) }
    }
}

extension RunCounts {
    /// Runs `body` with the value and returns it, to report progress in passing.
    func also(_ body: (RunCounts) -> Void) -> RunCounts {
        body(self)
        return self
    }
}

/// Runs `body` for every element with at most `concurrency` at once, summing the counts; memory stays bounded by
/// the window, not by the number of elements.
func forEach(
    _ elements: [AccountKey], concurrency: Int,
    _ body: @escaping @Sendable (AccountKey) async throws(StoreError) -> RunCounts
) async throws(StoreError) -> RunCounts {
    let result = await withTaskGroup(of: Result<RunCounts, StoreError>.self) { group in
        var total = RunCounts()
        var failure: StoreError?
        var next = 0
        func add() {
            let element = elements[next]
            next += 1
            group.addTask {
                do throws(StoreError) { return .success(try await body(element)) } catch { return .failure(error) }
            }
        }
        while next < min(concurrency, elements.count) { add() }
        while let result = await group.next() {
            switch result {
            case .success(let counts): total = total + counts
            case .failure(let error): failure = failure ?? error
            }
            if failure == nil, next < elements.count { add() }
        }
        return failure.map { Result<RunCounts, StoreError>.failure($0) } ?? .success(total)
    }
    return try result.get()
}

extension SourceResponse {
    /// The store's record of this response: redacted URL, exact bytes.
    var record: RawResponseRecord {
        RawResponseRecord(
            method: method, url: redactedURL, action: action, httpStatus: status, dateHeaderAt: date,
            receivedAt: receivedAt, requestID: header("x-acs-request-id"), body: body)
    }
}

extension SourceError {
    func record(account: AccountKey?) -> FetchErrorRecord {
        FetchErrorRecord(
            account: account, target: target, kind: kind.rawValue, httpStatus: httpStatus, remoteCode: remoteCode,
            message: message, requestID: requestID, retryable: retryable, attempts: attempts)
    }
}

/// The targets of a source that changed nothing, collected for one write at the end.
final class UnchangedTargets: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [AccountKey] = []
    func add(_ key: AccountKey) { lock.withLock { keys.append(key) } }
    func drain() -> [AccountKey] { lock.withLock { defer { keys = [] }; return keys } }
}
