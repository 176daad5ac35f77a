import Foundation
import GRDB
import LedgerCore

// The rows the write path inserts, each defined once: a version, its details, a raw response and an account. The
// one-by-one path writes one row at a time with them, a batch many (with ids it chose: see `nextIDs`).

/// The values of `balance_version` rows, in ``statement``'s order.
struct VersionRows {
    static let statement = RowsStatement(
        """
        INSERT INTO balance_version (id, account_id, valid_from, valid_to, recorded_at, state, unit,
            \(StoredAmount.versionColumns), content_hash, source_modified_at, observed_at, run_id, raw_response_id)
        VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, 'present', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    var values: [DatabaseValue] = []

    /// A present version of `observation`; a `nil` id lets SQLite choose it.
    mutating func append(
        _ observation: BalanceObservation, hash: String, id: Int64?, accountID: Int64, validFrom: Int64,
        validTo: Int64?, recordedAt: Int64, rawID: Int64?, runID: Int64?
    ) {
        let figures = observation.figures
        values += [
            id.databaseValue, accountID.databaseValue, validFrom.databaseValue, validTo.databaseValue,
            recordedAt.databaseValue, figures.unit.name.databaseValue,
        ]
        for amount in [
            figures.availableBalance, figures.creditLimit, figures.used, figures.frozen, figures.totalAvailable,
            figures.overdue,
        ] {
            StoredAmount.append(amount, to: &values)
        }
        values += [
            hash.databaseValue, (observation.sourceModifiedAt?.millisecondsSinceEpoch).databaseValue,
            observation.observedAt.millisecondsSinceEpoch.databaseValue, runID.databaseValue, rawID.databaseValue,
        ]
    }

    func execute(_ db: Database) throws { try Self.statement.execute(db, values: values) }
}

/// The values of detail rows, one table per source kind.
struct DetailRows {
    static let modelRouter = RowsStatement(
        """
        INSERT INTO modelrouter_balance_detail (version_id, remote_id, balance_type, enable_balance, gmt_create,
            gmt_modified) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?)")
    static let dmsCredit = RowsStatement(
        """
        INSERT INTO dms_credit_detail (version_id, available_amount_whole, available_amount_nanos,
            total_used_limit_whole, total_used_limit_nanos, is_unlimited_credit, is_expired, setting_credit,
            credit_mode, account_days, account_days_text, credit_end_time, org_type, is_checked_name) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    static let twccWallet = RowsStatement(
        """
        INSERT INTO twcc_wallet_detail (version_id, project_name, wallet_name, wallet_id, wallet_type, is_mother,
            owner_account, owner_name, original_quota_whole, original_quota_nanos, prj_credit_quota_whole,
            prj_credit_quota_nanos, prj_poc_quota_whole, prj_poc_quota_nanos, prj_su_quota_whole, prj_su_quota_nanos,
            prj_obtained_su_whole, prj_obtained_su_nanos) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    var modelRouter: [DatabaseValue] = []
    var dmsCredit: [DatabaseValue] = []
    var twccWallet: [DatabaseValue] = []

    mutating func append(_ details: SourceDetails, versionID: Int64) {
        switch details {
        case .modelRouter(let d):
            modelRouter += [
                versionID.databaseValue, d.remoteID.databaseValue, d.balanceType.databaseValue,
                d.enableBalance.databaseValue, (d.gmtCreate?.millisecondsSinceEpoch).databaseValue,
                (d.gmtModified?.millisecondsSinceEpoch).databaseValue,
            ]
        case .dmsCredit(let d):
            dmsCredit.append(versionID.databaseValue)
            StoredAmount.append(d.availableAmount, to: &dmsCredit)
            StoredAmount.append(d.totalUsedLimit, to: &dmsCredit)
            dmsCredit += [
                d.isUnlimitedCredit.databaseValue, d.isExpired.databaseValue, d.settingCredit.databaseValue,
                d.creditMode.databaseValue, d.accountDays.databaseValue, d.accountDaysText.databaseValue,
                d.creditEndTime.databaseValue, d.orgType.databaseValue, d.isCheckedName.databaseValue,
            ]
        case .twccWallet(let d):
            twccWallet += [
                versionID.databaseValue, d.projectName.databaseValue, d.walletName.databaseValue,
                d.walletID.databaseValue, d.walletType.databaseValue, d.isMother.databaseValue,
                d.ownerAccount.databaseValue, d.ownerName.databaseValue,
            ]
            for amount in [
                d.originalQuota, d.projectCreditQuota, d.projectPocQuota, d.projectSUQuota, d.projectObtainedSU,
            ] {
                StoredAmount.append(amount, to: &twccWallet)
            }
        }
    }

    func execute(_ db: Database) throws {
        if !modelRouter.isEmpty { try Self.modelRouter.execute(db, values: modelRouter) }
        if !dmsCredit.isEmpty { try Self.dmsCredit.execute(db, values: dmsCredit) }
        if !twccWallet.isEmpty { try Self.twccWallet.execute(db, values: twccWallet) }
    }
}

/// The values of `raw_response` rows.
struct RawRows {
    static let statement = RowsStatement(
        """
        INSERT INTO raw_response (id, run_id, source_id, method, url, action, http_status, date_header_at,
            received_at, request_id, sha256, body) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    var values: [DatabaseValue] = []
    /// Each response's link in the fact chain, in the order appended.
    var links: [PendingLink] = []

    /// A response's exact bytes and their SHA-256, and its link.
    mutating func append(_ raw: RawResponseRecord, id: Int64, sourceID: Int64, runID: Int64?) {
        let bodySHA256 = sha256Hex(raw.body)
        values += [
            id.databaseValue, runID.databaseValue, sourceID.databaseValue, raw.method.databaseValue,
            raw.url.databaseValue, raw.action.databaseValue, raw.httpStatus.databaseValue,
            (raw.dateHeaderAt?.millisecondsSinceEpoch).databaseValue,
            raw.receivedAt.millisecondsSinceEpoch.databaseValue,
            raw.requestID.databaseValue, bodySHA256.databaseValue, Data(raw.body).databaseValue,
        ]
        links.append(.raw(raw, id: id, sourceID: sourceID, runID: runID, bodySHA256: bodySHA256))
    }

    /// Inserts the responses and appends their links to the chain.
    func execute(_ db: Database) throws {
        guard !links.isEmpty else { return }
        try Self.statement.execute(db, values: values)
        try LedgerTransaction.appendLinks(links, db)
    }
}

/// The values of new `account` rows, each with the id SQLite would give it.
struct AccountRows {
    static let statement = RowsStatement(
        """
        INSERT INTO account (id, source_id, kind, mr_client_id, dms_org_id, dms_org_type, twcc_prj_sys_code,
            twcc_wallet_code, display_name, parent_account_id, first_seen_at, last_seen_at, last_run_id) VALUES
        """ + " ",
        row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    var values: [DatabaseValue] = []

    /// A new account first seen (and last seen) at `seenAt`.
    mutating func append(
        id: Int64, sourceID: Int64, key: AccountKey, displayName: String?, parentID: Int64?, seenAt: Int64,
        runID: Int64?
    ) {
        values += [id.databaseValue, sourceID.databaseValue, key.kind.rawValue.databaseValue]
        values += key.storedColumns
        values += [
            displayName.databaseValue, parentID.databaseValue, seenAt.databaseValue, seenAt.databaseValue,
            runID.databaseValue,
        ]
    }

    func execute(_ db: Database) throws { try Self.statement.execute(db, values: values) }
}

extension AccountKey {
    /// The key's columns of `account`: `mr_client_id`, `dms_org_id`, `dms_org_type`, `twcc_prj_sys_code`,
    /// `twcc_wallet_code`.
    var storedColumns: [DatabaseValue] {
        switch self {
        case .modelRouter(let clientID):
            [clientID.databaseValue, .null, .null, .null, .null]
        case .dmsCredit(let orgID, let orgType):
            [.null, orgID.databaseValue, orgType.databaseValue, .null, .null]
        case .twccWallet(let project, let wallet):
            [.null, .null, .null, project.databaseValue, wallet.databaseValue]
        }
    }
}

extension StoredAmount {
    /// Appends an amount's two column values, NULL and NULL for none.
    static func append(_ value: FixedDecimal?, to values: inout [DatabaseValue]) {
        guard let parts = value?.storedParts else {
            values += [.null, .null]
            return
        }
        values += [parts.whole.databaseValue, parts.nanos.databaseValue]
    }
}

extension LedgerTransaction {
    /// The ids SQLite would give the next `count` rows inserted into `table` (an INTEGER PRIMARY KEY without
    /// AUTOINCREMENT): one more than the largest, then consecutive. A batch inserts its rows with these ids, so the
    /// rows are the same as inserting them one by one, and each version knows its raw response and account.
    func nextIDs(_ count: Int, in table: String) throws -> ClosedRange<Int64>? {
        guard count > 0 else { return nil }
        let largest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM \(table)")) ?? 0
        // SQLite picks a random id once the largest is taken; a ledger never gets there.
        guard largest <= Int64.max - Int64(count) else {
            throw StoreError(.invalidData("\(table) has run out of row ids"))
        }
        return (largest + 1)...(largest + Int64(count))
    }
}
