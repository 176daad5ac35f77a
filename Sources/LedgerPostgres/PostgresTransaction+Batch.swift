import Crypto
import Foundation
import LedgerCore
import LedgerStore
import PostgresNIO

/// A unit of a group that the batch writes set-based: the common cases of a sync, decided from one read for the whole
/// group (see ``PostgresTransaction/planGroup(_:runID:clockSkewMilliseconds:)``).
struct BatchedObservation {
    enum Kind {
        /// A new account and its first version.
        case newAccount(parentID: Int64?)
        /// A known account whose current version holds this content: only the account is refreshed.
        case unchanged(accountID: Int64, parentID: Int64?)
        /// A known account with newer content: its current version closes where the new one starts.
        case supersede(accountID: Int64, parentID: Int64?, current: Int64, validFrom: Int64)
    }

    let observation: BalanceObservation
    let raw: RawResponseRecord
    let hash: String
    let sourceID: Int64
    let kind: Kind
    /// The movements pulled with it that the ledger does not hold yet (in the pull's order, each remote id once),
    /// and the pages they came from.
    var movements: [BalanceLogEntry] = []
    var pages: [RawResponseRecord] = []
    /// Whether movements were pulled at all: the cursor moves even when none of them is new.
    var pulled: [BalanceLogEntry] = []
}

/// What the group's planning read decides for each unit.
enum GroupPlan {
    case batched(BatchedObservation)
    /// Anything else (failures, quarantine, movements, an account twice in the group, a gmtModified beyond the
    /// clock-skew limit, an unknown parent, a gone account, an older observation): the one-by-one path, in order.
    case oneByOne
}

extension PostgresTransaction {
    /// Decides, with one read of the accounts and current versions the group names, which units the batch writes.
    func planGroup(
        _ units: [(write: TargetWrite, sourceID: Int64)], runID: Int64, clockSkewMilliseconds: Int64
    ) async throws -> [GroupPlan] {
        struct Candidate {
            let index: Int
            let observation: BalanceObservation
            let raw: RawResponseRecord
            let hash: String
            let sourceID: Int64
            let entries: [BalanceLogEntry]
            let pages: [RawResponseRecord]
        }
        var occurrences: [String: Int] = [:]
        for unit in units {
            if case .observed(let observation, _, _, _) = unit.write {
                occurrences["\(unit.sourceID)/\(observation.account)", default: 0] += 1
            }
        }
        var candidates: [Candidate] = []
        for (index, unit) in units.enumerated() {
            guard case .observed(let observation, let raw, let hash, let movements) = unit.write else { continue }
            if case .failed? = movements { continue }
            var (entries, pages): ([BalanceLogEntry], [RawResponseRecord]) = ([], [])
            if case .fetched(let fetched, let raws)? = movements { (entries, pages) = (fetched, raws) }
            guard occurrences["\(unit.sourceID)/\(observation.account)"] == 1 else { continue }
            if let modified = observation.sourceModifiedAt,
                modified.millisecondsSinceEpoch > now.millisecondsSinceEpoch + clockSkewMilliseconds
            {
                continue
            }
            candidates.append(
                Candidate(
                    index: index, observation: observation, raw: raw, hash: hash ?? observation.contentHash,
                    sourceID: unit.sourceID, entries: entries, pages: pages))
        }
        var plans = [GroupPlan](repeating: .oneByOne, count: units.count)
        guard !candidates.isEmpty else { return plans }
        // The accounts and their parents, with each account's current version, in one statement.
        var wanted = JSONRows()
        for candidate in candidates {
            for key in [candidate.observation.account] + [candidate.observation.parent].compactMap({ $0 }) {
                wanted.row()
                wanted.add("source_id", candidate.sourceID)
                wanted.add("account_key", key.description)
            }
        }
        let rows = try await connection.query(
            """
            SELECT k.source_id, k.account_key, a.id, v.id, v.valid_from, v.content_hash, v.state
            FROM (SELECT DISTINCT source_id, account_key
                  FROM jsonb_to_recordset(\(wanted.json)::jsonb) AS r(source_id bigint, account_key text)) AS k
            JOIN account a ON a.source_id = k.source_id AND a.account_key = k.account_key
            LEFT JOIN balance_version v ON v.account_id = a.id AND v.valid_to IS NULL AND v.superseded_at IS NULL
            """, logger: logger)
        var known: [String: (id: Int64, current: LiveVersion?)] = [:]
        for try await (sourceID, key, id, versionID, validFrom, hash, state) in rows.decode(
            (Int64, String, Int64, Int64?, Int64?, String?, String?).self)
        {
            var current: LiveVersion? = nil
            if let versionID, let validFrom, let hash, let state, let versionState = VersionState(rawValue: state) {
                current = LiveVersion(
                    id: versionID, validFrom: validFrom, validTo: nil, contentHash: hash, state: versionState)
            }
            known["\(sourceID)/\(key)"] = (id, current)
        }
        let stored = try await storedMovements(
            candidates.compactMap { candidate in
                guard !candidate.entries.isEmpty,
                    let id = known["\(candidate.sourceID)/\(candidate.observation.account)"]?.id
                else { return nil }
                return (id, candidate.entries)
            })
        for candidate in candidates {
            var parentID: Int64? = nil
            if let parent = candidate.observation.parent {
                // A parent the ledger does not know yet is registered (or not) by the one-by-one path.
                guard let id = known["\(candidate.sourceID)/\(parent)"]?.id else { continue }
                parentID = id
            }
            let kind: BatchedObservation.Kind
            if let account = known["\(candidate.sourceID)/\(candidate.observation.account)"] {
                // No version, or gone: the one-by-one path.
                guard let current = account.current, current.state == .present else { continue }
                switch VersionDecision.first(
                    candidate.observation, contentHash: candidate.hash, current: current,
                    now: now.millisecondsSinceEpoch, clockSkewMilliseconds: clockSkewMilliseconds)
                {
                case .unchanged:
                    kind = .unchanged(accountID: account.id, parentID: parentID)
                case .supersede(let current, let validFrom):
                    kind = .supersede(
                        accountID: account.id, parentID: parentID, current: current.id, validFrom: validFrom)
                default:
                    continue
                }
            } else {
                kind = .newAccount(parentID: parentID)
            }
            var batched = BatchedObservation(
                observation: candidate.observation, raw: candidate.raw, hash: candidate.hash,
                sourceID: candidate.sourceID, kind: kind)
            if !candidate.entries.isEmpty {
                // As INSERT OR IGNORE would: entries the ledger holds, and repeats within the pull, add nothing.
                let accountID = known["\(candidate.sourceID)/\(candidate.observation.account)"]?.id
                var seen = accountID.map { id in stored[id] ?? [] } ?? []
                batched.pulled = candidate.entries
                batched.movements = candidate.entries.filter { seen.insert($0.remoteID).inserted }
                batched.pages = batched.movements.isEmpty ? [] : candidate.pages
            }
            plans[candidate.index] = .batched(batched)
        }
        return plans
    }

    /// The remote ids among `pulls` that the ledger holds already, by account.
    private func storedMovements(
        _ pulls: [(accountID: Int64, entries: [BalanceLogEntry])]
    ) async throws
        -> [Int64: Set<Int64>]
    {
        guard !pulls.isEmpty else { return [:] }
        var wanted = JSONRows()
        for pull in pulls {
            for entry in pull.entries {
                wanted.row()
                wanted.add("account_id", pull.accountID)
                wanted.add("remote_id", entry.remoteID)
            }
        }
        let rows = try await connection.query(
            """
            SELECT l.account_id, l.remote_id FROM modelrouter_balance_log l
            JOIN jsonb_to_recordset(\(wanted.json)::jsonb) AS r(account_id bigint, remote_id bigint)
              ON l.account_id = r.account_id AND l.remote_id = r.remote_id
            """, logger: logger)
        var stored: [Int64: Set<Int64>] = [:]
        for try await (accountID, remoteID) in rows.decode((Int64, Int64).self) {
            stored[accountID, default: []].insert(remoteID)
        }
        return stored
    }

    /// Writes batched units in a few statements, in their order: new accounts, refreshed accounts, raw responses and
    /// their links, closed versions, new versions and their details. Ids come from the tables' own sequences, taken
    /// up front, so each row knows the ids it refers to.
    /// - Returns: Each unit's counts, in order.
    func writeBatch(_ batch: [BatchedObservation], runID: Int64) async throws -> [RunCounts] {
        guard !batch.isEmpty else { return [] }
        let at = now.millisecondsSinceEpoch
        let newAccounts = batch.filter { if case .newAccount = $0.kind { true } else { false } }.count
        let versions = batch.filter { if case .unchanged = $0.kind { false } else { true } }.count
        let pageCount = batch.reduce(0) { $0 + $1.pages.count }
        let logCount = batch.reduce(0) { $0 + $1.movements.count }
        let ids = try await connection.query(
            """
            SELECT
                (SELECT array_agg(nextval(pg_get_serial_sequence('account', 'id'))) FROM generate_series(1, \(newAccounts))),
                (SELECT array_agg(nextval(pg_get_serial_sequence('raw_response', 'id')))
                 FROM generate_series(1, \(versions + pageCount))),
                (SELECT array_agg(nextval(pg_get_serial_sequence('balance_version', 'id'))) FROM generate_series(1, \(versions))),
                (SELECT array_agg(nextval(pg_get_serial_sequence('modelrouter_balance_log', 'id')))
                 FROM generate_series(1, \(logCount)))
            """, logger: logger)
        var accountIDs: [Int64] = []
        var rawIDs: [Int64] = []
        var versionIDs: [Int64] = []
        var logIDs: [Int64] = []
        for try await (accounts, raws, versions, logs) in ids.decode(([Int64]?, [Int64]?, [Int64]?, [Int64]?).self) {
            accountIDs = (accounts ?? []).sorted()
            rawIDs = (raws ?? []).sorted()
            versionIDs = (versions ?? []).sorted()
            logIDs = (logs ?? []).sorted()
        }
        guard accountIDs.count == newAccounts, rawIDs.count == versions + pageCount, versionIDs.count == versions,
            logIDs.count == logCount
        else {
            throw StoreError(.invalidData("the sequences gave fewer ids than asked for"))
        }
        var accounts = JSONRows()
        var touched = JSONRows()
        var raws = JSONRows()
        var links: [PendingLink] = []
        var closes = JSONRows()
        var rows = JSONRows()
        var logs = JSONRows()
        var cursors = JSONRows()
        var details: [DetailTable: JSONRows] = [:]
        var scales: [String: Int] = [:]
        var counts: [RunCounts] = []
        var (nextAccount, nextRaw, nextVersion, nextLog) = (0, 0, 0, 0)
        func addRaw(_ raw: RawResponseRecord, sourceID: Int64) -> Int64 {
            let rawID = rawIDs[nextRaw]
            nextRaw += 1
            let bodySHA256 = lowercaseHex(SHA256.hash(data: raw.body))
            raws.row()
            raws.add("id", rawID)
            raws.add("source_id", sourceID)
            raws.add("method", raw.method)
            raws.add("url", raw.url)
            raws.add("action", raw.action)
            raws.add("http_status", Int64(raw.httpStatus))
            raws.add("date_header_at", raw.dateHeaderAt?.millisecondsSinceEpoch)
            raws.add("received_at", raw.receivedAt.millisecondsSinceEpoch)
            raws.add("request_id", raw.requestID)
            raws.add("sha256", bodySHA256)
            raws.add("body", Data(raw.body).base64EncodedString())
            links.append(.raw(raw, id: rawID, sourceID: sourceID, runID: runID, bodySHA256: bodySHA256))
            return rawID
        }
        func widen(_ unit: MoneyUnit, _ amounts: [FixedDecimal?]) {
            let scale = amounts.reduce(0) { max($0, $1?.scale ?? 0) }
            if scale > FixedDecimal.minimumDisplayScale { scales[unit.name] = max(scales[unit.name] ?? 0, scale) }
        }
        for unit in batch {
            var unitCounts = RunCounts()
            unitCounts.targets = 1
            unitCounts.fetched = 1
            let observation = unit.observation
            let accountID: Int64
            switch unit.kind {
            case .newAccount(let parentID):
                accountID = accountIDs[nextAccount]
                nextAccount += 1
                let key = KeyColumns(observation.account)
                accounts.row()
                accounts.add("id", accountID)
                accounts.add("source_id", unit.sourceID)
                accounts.add("kind", observation.account.kind.rawValue)
                accounts.add("mr_client_id", key.clientID)
                accounts.add("dms_org_id", key.orgID)
                accounts.add("dms_org_type", key.orgType)
                accounts.add("twcc_prj_sys_code", key.projectCode)
                accounts.add("twcc_wallet_code", key.walletCode)
                accounts.add("display_name", observation.displayName)
                accounts.add("parent_account_id", parentID)
            case .unchanged(let id, let parentID), .supersede(let id, let parentID, _, _):
                accountID = id
                touched.row()
                touched.add("id", id)
                touched.add("display_name", observation.displayName)
                touched.add("parent_account_id", parentID)
            }
            var validFrom: Int64? = observation.validFrom.millisecondsSinceEpoch
            switch unit.kind {
            case .unchanged:
                validFrom = nil
                unitCounts.unchanged = 1
            case .supersede(_, _, let current, let from):
                validFrom = from
                closes.row()
                closes.add("id", current)
                closes.add("valid_to", from)
            case .newAccount:
                break
            }
            if let validFrom {
                unitCounts.versionsAdded = 1
                let rawID = addRaw(unit.raw, sourceID: unit.sourceID)
                let versionID = versionIDs[nextVersion]
                nextVersion += 1
                let figures = observation.figures
                rows.row()
                rows.add("id", versionID)
                rows.add("account_id", accountID)
                rows.add("valid_from", validFrom)
                rows.add("unit", figures.unit.name)
                rows.add(amount: "available_balance", figures.availableBalance)
                rows.add(amount: "credit_limit", figures.creditLimit)
                rows.add(amount: "used", figures.used)
                rows.add(amount: "frozen", figures.frozen)
                rows.add(amount: "total_available", figures.totalAvailable)
                rows.add(amount: "overdue", figures.overdue)
                rows.add("content_hash", unit.hash)
                rows.add("source_modified_at", observation.sourceModifiedAt?.millisecondsSinceEpoch)
                rows.add("observed_at", observation.observedAt.millisecondsSinceEpoch)
                rows.add("raw_response_id", rawID)
                Self.addDetails(observation.details, versionID: versionID, to: &details)
                widen(figures.unit, observation.amounts)
            }
            // Movements after the balance, as the one-by-one path writes them: the pages kept once, when something
            // in them is new; each new entry; the cursor moved forward.
            if !unit.movements.isEmpty {
                let pageIDs = unit.pages.map { addRaw($0, sourceID: unit.sourceID) }
                let unitName = observation.figures.unit
                for entry in unit.movements {
                    logs.row()
                    logs.add("id", logIDs[nextLog])
                    nextLog += 1
                    logs.add("account_id", accountID)
                    logs.add("remote_id", entry.remoteID)
                    logs.add("change_type", entry.changeType)
                    logs.add("unit", unitName.name)
                    logs.add(amount: "change_amount", entry.changeAmount)
                    logs.add(amount: "balance_before", entry.balanceBefore)
                    logs.add(amount: "balance_after", entry.balanceAfter)
                    logs.add("remark", entry.remark)
                    logs.add("gmt_create", entry.gmtCreate.millisecondsSinceEpoch)
                    logs.add("raw_response_id", pageIDs.first)
                    widen(unitName, [entry.changeAmount, entry.balanceBefore, entry.balanceAfter])
                }
                unitCounts.logEntries = unit.movements.count
            }
            if let last = unit.pulled.max(by: { ($0.gmtCreate, $0.remoteID) < ($1.gmtCreate, $1.remoteID) }) {
                cursors.row()
                cursors.add("account_id", accountID)
                cursors.add("last_gmt_create", last.gmtCreate.millisecondsSinceEpoch)
                cursors.add("last_remote_id", last.remoteID)
            }
            counts.append(unitCounts)
        }
        if accounts.count > 0 {
            try await connection.query(
                """
                INSERT INTO account (id, source_id, kind, mr_client_id, dms_org_id, dms_org_type, twcc_prj_sys_code,
                    twcc_wallet_code, display_name, parent_account_id, first_seen_at, last_seen_at, last_run_id)
                SELECT id, source_id, kind, mr_client_id, dms_org_id, dms_org_type, twcc_prj_sys_code,
                    twcc_wallet_code, display_name, parent_account_id, \(at), \(at), \(runID)
                FROM jsonb_to_recordset(\(accounts.json)::jsonb) AS r(id bigint, source_id bigint, kind text,
                    mr_client_id bigint, dms_org_id bigint, dms_org_type bigint, twcc_prj_sys_code text,
                    twcc_wallet_code text, display_name text, parent_account_id bigint)
                ORDER BY id
                """, logger: logger)
        }
        if touched.count > 0 {
            try await connection.query(
                """
                UPDATE account SET display_name = coalesce(r.display_name, account.display_name),
                    parent_account_id = coalesce(r.parent_account_id, account.parent_account_id),
                    last_run_id = \(runID), last_seen_at = greatest(account.last_seen_at, \(at))
                FROM jsonb_to_recordset(\(touched.json)::jsonb) AS r(id bigint, display_name text,
                    parent_account_id bigint)
                WHERE account.id = r.id
                """, logger: logger)
        }
        if raws.count > 0 {
            try await connection.query(
                """
                INSERT INTO raw_response (id, run_id, source_id, method, url, action, http_status, date_header_at,
                    received_at, request_id, sha256, body)
                SELECT id, \(runID), source_id, method, url, action, http_status, date_header_at, received_at,
                    request_id, sha256, decode(body, 'base64')
                FROM jsonb_to_recordset(\(raws.json)::jsonb) AS r(id bigint, source_id bigint, method text, url text,
                    action text, http_status integer, date_header_at bigint, received_at bigint, request_id text,
                    sha256 text, body text)
                ORDER BY id
                """, logger: logger)
            try await appendLinks(links)
        }
        if closes.count > 0 {
            try await connection.query(
                """
                UPDATE balance_version SET valid_to = r.valid_to
                FROM jsonb_to_recordset(\(closes.json)::jsonb) AS r(id bigint, valid_to bigint)
                WHERE balance_version.id = r.id
                """, logger: logger)
        }
        if rows.count > 0 {
            try await connection.query(
                """
                INSERT INTO balance_version (id, account_id, valid_from, recorded_at, state, unit,
                    available_balance_whole, available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole,
                    used_nanos, frozen_whole, frozen_nanos, total_available_whole, total_available_nanos, overdue_whole,
                    overdue_nanos, content_hash, source_modified_at, observed_at, run_id, raw_response_id)
                SELECT id, account_id, valid_from, \(at), 'present', unit, available_balance_whole,
                    available_balance_nanos, credit_limit_whole, credit_limit_nanos, used_whole, used_nanos, frozen_whole,
                    frozen_nanos, total_available_whole, total_available_nanos, overdue_whole, overdue_nanos,
                    content_hash, source_modified_at, observed_at, \(runID), raw_response_id
                FROM jsonb_to_recordset(\(rows.json)::jsonb) AS r(id bigint, account_id bigint, valid_from bigint,
                    unit text, available_balance_whole bigint, available_balance_nanos integer, credit_limit_whole bigint,
                    credit_limit_nanos integer, used_whole bigint, used_nanos integer, frozen_whole bigint,
                    frozen_nanos integer, total_available_whole bigint, total_available_nanos integer,
                    overdue_whole bigint, overdue_nanos integer, content_hash text, source_modified_at bigint,
                    observed_at bigint, raw_response_id bigint)
                ORDER BY id
                """, logger: logger)
        }
        for (table, detailRows) in details.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await insertDetails(table, detailRows)
        }
        if logs.count > 0 {
            try await connection.query(
                """
                INSERT INTO modelrouter_balance_log (id, account_id, remote_id, change_type, unit, change_amount_whole,
                    change_amount_nanos, balance_before_whole, balance_before_nanos, balance_after_whole,
                    balance_after_nanos, remark, gmt_create, recorded_at, run_id, raw_response_id)
                SELECT id, account_id, remote_id, change_type, unit, change_amount_whole, change_amount_nanos,
                    balance_before_whole, balance_before_nanos, balance_after_whole, balance_after_nanos, remark,
                    gmt_create, \(at), \(runID), raw_response_id
                FROM jsonb_to_recordset(\(logs.json)::jsonb) AS r(id bigint, account_id bigint, remote_id bigint,
                    change_type text, unit text, change_amount_whole bigint, change_amount_nanos integer,
                    balance_before_whole bigint, balance_before_nanos integer, balance_after_whole bigint,
                    balance_after_nanos integer, remark text, gmt_create bigint, raw_response_id bigint)
                ORDER BY id
                """, logger: logger)
        }
        if cursors.count > 0 {
            try await connection.query(
                """
                INSERT INTO modelrouter_log_cursor (account_id, last_gmt_create, last_remote_id, updated_at)
                SELECT account_id, last_gmt_create, last_remote_id, \(at)
                FROM jsonb_to_recordset(\(cursors.json)::jsonb) AS r(account_id bigint, last_gmt_create bigint,
                    last_remote_id bigint)
                ON CONFLICT (account_id) DO UPDATE SET last_gmt_create = excluded.last_gmt_create,
                    last_remote_id = excluded.last_remote_id, updated_at = excluded.updated_at
                WHERE (excluded.last_gmt_create, excluded.last_remote_id)
                    > (modelrouter_log_cursor.last_gmt_create, modelrouter_log_cursor.last_remote_id)
                """, logger: logger)
        }
        for (unit, scale) in scales.sorted(by: { $0.key < $1.key }) {
            try await connection.query(
                """
                INSERT INTO unit_scale (unit, scale) VALUES (\(unit), \(Int32(scale)))
                ON CONFLICT (unit) DO UPDATE SET scale = excluded.scale WHERE excluded.scale > unit_scale.scale
                """, logger: logger)
        }
        return counts
    }
}
