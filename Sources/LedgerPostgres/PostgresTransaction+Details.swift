import LedgerCore
import LedgerStore
import PostgresNIO

/// The detail tables, one per source kind, and their columns besides `version_id`.
enum DetailTable: String, CaseIterable, Hashable {
    case modelRouter = "modelrouter_balance_detail"
    case dmsCredit = "dms_credit_detail"
    case twccWallet = "twcc_wallet_detail"

    var columns: [String] {
        switch self {
        case .modelRouter:
            ["remote_id", "balance_type", "enable_balance", "gmt_create", "gmt_modified"]
        case .dmsCredit:
            [
                "available_amount_whole", "available_amount_nanos", "total_used_limit_whole",
                "total_used_limit_nanos", "is_unlimited_credit", "is_expired", "setting_credit", "credit_mode",
                "account_days", "account_days_text", "credit_end_time", "org_type", "is_checked_name",
            ]
        case .twccWallet:
            [
                "project_name", "wallet_name", "wallet_id", "wallet_type", "is_mother", "owner_account", "owner_name",
                "original_quota_whole", "original_quota_nanos", "prj_credit_quota_whole", "prj_credit_quota_nanos",
                "prj_poc_quota_whole", "prj_poc_quota_nanos", "prj_su_quota_whole", "prj_su_quota_nanos",
                "prj_obtained_su_whole", "prj_obtained_su_nanos",
            ]
        }
    }
}

extension PostgresTransaction {
    /// Inserts a version's source details.
    func insertDetails(_ details: SourceDetails, versionID: Int64) async throws {
        switch details {
        case .modelRouter(let d):
            try await connection.query(
                """
                INSERT INTO modelrouter_balance_detail (version_id, remote_id, balance_type, enable_balance, gmt_create,
                    gmt_modified)
                VALUES (\(versionID), \(d.remoteID), \(d.balanceType), \(d.enableBalance),
                    \(d.gmtCreate?.millisecondsSinceEpoch), \(d.gmtModified?.millisecondsSinceEpoch))
                """, logger: logger)
        case .dmsCredit(let d):
            let (available, used) = (Parts(d.availableAmount), Parts(d.totalUsedLimit))
            try await connection.query(
                """
                INSERT INTO dms_credit_detail (version_id, available_amount_whole, available_amount_nanos,
                    total_used_limit_whole, total_used_limit_nanos, is_unlimited_credit, is_expired, setting_credit,
                    credit_mode, account_days, account_days_text, credit_end_time, org_type, is_checked_name)
                VALUES (\(versionID), \(available.whole), \(available.nanos), \(used.whole), \(used.nanos),
                    \(d.isUnlimitedCredit), \(d.isExpired), \(d.settingCredit), \(d.creditMode),
                    \(d.accountDays.map(Int64.init)), \(d.accountDaysText), \(d.creditEndTime), \(d.orgType),
                    \(d.isCheckedName))
                """, logger: logger)
        case .twccWallet(let d):
            let (original, credit, poc) = (
                Parts(d.originalQuota), Parts(d.projectCreditQuota), Parts(d.projectPocQuota)
            )
            let (su, obtained) = (Parts(d.projectSUQuota), Parts(d.projectObtainedSU))
            try await connection.query(
                """
                INSERT INTO twcc_wallet_detail (version_id, project_name, wallet_name, wallet_id, wallet_type, is_mother,
                    owner_account, owner_name, original_quota_whole, original_quota_nanos, prj_credit_quota_whole,
                    prj_credit_quota_nanos, prj_poc_quota_whole, prj_poc_quota_nanos, prj_su_quota_whole,
                    prj_su_quota_nanos, prj_obtained_su_whole, prj_obtained_su_nanos)
                VALUES (\(versionID), \(d.projectName), \(d.walletName), \(d.walletID), \(d.walletType), \(d.isMother),
                    \(d.ownerAccount), \(d.ownerName), \(original.whole), \(original.nanos), \(credit.whole),
                    \(credit.nanos), \(poc.whole), \(poc.nanos), \(su.whole), \(su.nanos), \(obtained.whole),
                    \(obtained.nanos))
                """, logger: logger)
        }
    }

    /// The observation a stored present version holds (as SQLite's reading of the same rows gives it), or `nil`.
    func storedObservation(versionID: Int64) async throws -> BalanceObservation? {
        let rows = try await connection.query(
            """
            SELECT v.unit, v.available_balance_whole, v.available_balance_nanos, v.credit_limit_whole,
                v.credit_limit_nanos, v.used_whole, v.used_nanos, v.frozen_whole, v.frozen_nanos,
                v.total_available_whole, v.total_available_nanos, v.overdue_whole, v.overdue_nanos,
                v.source_modified_at, v.observed_at, a.kind, a.mr_client_id, a.dms_org_id, a.dms_org_type,
                a.twcc_prj_sys_code, a.twcc_wallet_code, a.display_name
            FROM balance_version AS v JOIN account AS a ON a.id = v.account_id
            WHERE v.id = \(versionID) AND v.state = 'present'
            """, logger: logger)
        var found: (BalanceFigures, Instant?, Instant, String, KeyColumns, String?)?
        for try await row in rows {
            let r = try row.decode(StoredVersionRow.self)
            let figures = BalanceFigures(
                unit: try MoneyUnit(r.0 ?? ""), availableBalance: amount(r.1, r.2), creditLimit: amount(r.3, r.4),
                used: amount(r.5, r.6), frozen: amount(r.7, r.8), totalAvailable: amount(r.9, r.10),
                overdue: amount(r.11, r.12))
            var key = KeyColumns(.modelRouter(clientID: 0))
            (key.clientID, key.orgID, key.orgType, key.projectCode, key.walletCode) = (r.16, r.17, r.18, r.19, r.20)
            found = (
                figures, r.13.map(Instant.init(millisecondsSinceEpoch:)), Instant(millisecondsSinceEpoch: r.14), r.15,
                key, r.21
            )
        }
        guard let (figures, modified, observed, kind, key, displayName) = found else { return nil }
        let account: AccountKey
        let details: SourceDetails
        switch kind {
        case SourceKind.modelRouter.rawValue:
            account = .modelRouter(clientID: key.clientID ?? 0)
            details = .modelRouter(try await modelRouterDetails(versionID))
        case SourceKind.dmsCredit.rawValue:
            account = .dmsCredit(orgID: key.orgID ?? 0, orgType: key.orgType ?? 0)
            details = .dmsCredit(try await dmsCreditDetails(versionID))
        default:
            account = .twccWallet(projectCode: key.projectCode ?? "", walletCode: key.walletCode ?? "")
            details = .twccWallet(try await twccWalletDetails(versionID))
        }
        return BalanceObservation(
            account: account, displayName: displayName, sourceModifiedAt: modified, observedAt: observed,
            figures: figures, details: details)
    }

    private func modelRouterDetails(_ versionID: Int64) async throws -> ModelRouterBalanceDetails {
        let rows = try await connection.query(
            """
            SELECT remote_id, balance_type, enable_balance, gmt_create, gmt_modified
            FROM modelrouter_balance_detail WHERE version_id = \(versionID)
            """, logger: logger)
        for try await (remoteID, balanceType, enable, created, modified) in rows.decode(
            (Int64?, String, Bool?, Int64?, Int64?).self)
        {
            return ModelRouterBalanceDetails(
                remoteID: remoteID, balanceType: balanceType, enableBalance: enable,
                gmtCreate: created.map(Instant.init(millisecondsSinceEpoch:)),
                gmtModified: modified.map(Instant.init(millisecondsSinceEpoch:)))
        }
        throw StoreError(.invalidData("version \(versionID) has no ModelRouter details"))
    }

    private func dmsCreditDetails(_ versionID: Int64) async throws -> DMSCreditDetails {
        let rows = try await connection.query(
            """
            SELECT available_amount_whole, available_amount_nanos, total_used_limit_whole, total_used_limit_nanos,
                is_unlimited_credit, is_expired, setting_credit, credit_mode, account_days, account_days_text,
                credit_end_time, org_type, is_checked_name
            FROM dms_credit_detail WHERE version_id = \(versionID)
            """, logger: logger)
        for try await row in rows {
            let d = try row.decode(
                (
                    Int64?, Int32?, Int64?, Int32?, Bool, Bool, String?, String?, Int64?, String?, String?, Int64?,
                    String?
                ).self)
            return DMSCreditDetails(
                availableAmount: amount(d.0, d.1), totalUsedLimit: amount(d.2, d.3), isUnlimitedCredit: d.4,
                isExpired: d.5, settingCredit: d.6, creditMode: d.7, accountDays: d.8.map(Int.init),
                accountDaysText: d.9, creditEndTime: d.10, orgType: d.11, isCheckedName: d.12)
        }
        throw StoreError(.invalidData("version \(versionID) has no DMS details"))
    }

    private func twccWalletDetails(_ versionID: Int64) async throws -> TWCCWalletDetails {
        let rows = try await connection.query(
            """
            SELECT project_name, wallet_name, wallet_id, wallet_type, is_mother, owner_account, owner_name,
                original_quota_whole, original_quota_nanos, prj_credit_quota_whole, prj_credit_quota_nanos,
                prj_poc_quota_whole, prj_poc_quota_nanos, prj_su_quota_whole, prj_su_quota_nanos,
                prj_obtained_su_whole, prj_obtained_su_nanos
            FROM twcc_wallet_detail WHERE version_id = \(versionID)
            """, logger: logger)
        for try await row in rows {
            let d = try row.decode(
                (
                    String?, String?, String?, String?, Bool?, String?, String?, Int64?, Int32?, Int64?, Int32?,
                    Int64?, Int32?, Int64?, Int32?, Int64?, Int32?
                ).self)
            return TWCCWalletDetails(
                projectName: d.0, walletName: d.1, walletID: d.2, walletType: d.3, isMother: d.4, ownerAccount: d.5,
                ownerName: d.6, originalQuota: amount(d.7, d.8), projectCreditQuota: amount(d.9, d.10),
                projectPocQuota: amount(d.11, d.12), projectSUQuota: amount(d.13, d.14),
                projectObtainedSU: amount(d.15, d.16))
        }
        throw StoreError(.invalidData("version \(versionID) has no TWCC details"))
    }

    /// An amount from its two columns; a pair the CHECK constraints would refuse reads as none, as in SQLite.
    private func amount(_ whole: Int64?, _ nanos: Int32?) -> FixedDecimal? {
        guard let whole, let nanos else { return nil }
        return try? FixedDecimal(whole: whole, nanos: Int64(nanos))
    }
}

private typealias StoredVersionRow = (
    String?, Int64?, Int32?, Int64?, Int32?, Int64?, Int32?, Int64?, Int32?, Int64?, Int32?, Int64?, Int32?, Int64?,
    Int64, String, Int64?, Int64?, Int64?, String?, String?, String?
)

extension DetailTable {
    /// The columns with their types, for reading rows of this table from `jsonb_to_recordset`.
    var recordColumns: String {
        let types: [String: String] = [
            "remote_id": "bigint", "balance_type": "text", "enable_balance": "boolean", "gmt_create": "bigint",
            "gmt_modified": "bigint", "is_unlimited_credit": "boolean", "is_expired": "boolean",
            "setting_credit": "text", "credit_mode": "text", "account_days": "bigint", "account_days_text": "text",
            "credit_end_time": "text", "org_type": "bigint", "is_checked_name": "text", "project_name": "text",
            "wallet_name": "text", "wallet_id": "text", "wallet_type": "text", "is_mother": "boolean",
            "owner_account": "text", "owner_name": "text",
        ]
        return
            (["version_id bigint"]
            + columns.map { column in
                "\(column) \(types[column] ?? (column.hasSuffix("_nanos") ? "integer" : "bigint"))"
            }).joined(separator: ", ")
    }
}

extension PostgresTransaction {
    /// Adds a version's details to the rows of its kind's table.
    static func addDetails(_ details: SourceDetails, versionID: Int64, to tables: inout [DetailTable: JSONRows]) {
        switch details {
        case .modelRouter(let d):
            var rows = tables[.modelRouter] ?? JSONRows()
            rows.row()
            rows.add("version_id", versionID)
            rows.add("remote_id", d.remoteID)
            rows.add("balance_type", d.balanceType)
            rows.add("enable_balance", d.enableBalance)
            rows.add("gmt_create", d.gmtCreate?.millisecondsSinceEpoch)
            rows.add("gmt_modified", d.gmtModified?.millisecondsSinceEpoch)
            tables[.modelRouter] = rows
        case .dmsCredit(let d):
            var rows = tables[.dmsCredit] ?? JSONRows()
            rows.row()
            rows.add("version_id", versionID)
            rows.add(amount: "available_amount", d.availableAmount)
            rows.add(amount: "total_used_limit", d.totalUsedLimit)
            rows.add("is_unlimited_credit", d.isUnlimitedCredit)
            rows.add("is_expired", d.isExpired)
            rows.add("setting_credit", d.settingCredit)
            rows.add("credit_mode", d.creditMode)
            rows.add("account_days", d.accountDays.map(Int64.init))
            rows.add("account_days_text", d.accountDaysText)
            rows.add("credit_end_time", d.creditEndTime)
            rows.add("org_type", d.orgType)
            rows.add("is_checked_name", d.isCheckedName)
            tables[.dmsCredit] = rows
        case .twccWallet(let d):
            var rows = tables[.twccWallet] ?? JSONRows()
            rows.row()
            rows.add("version_id", versionID)
            rows.add("project_name", d.projectName)
            rows.add("wallet_name", d.walletName)
            rows.add("wallet_id", d.walletID)
            rows.add("wallet_type", d.walletType)
            rows.add("is_mother", d.isMother)
            rows.add("owner_account", d.ownerAccount)
            rows.add("owner_name", d.ownerName)
            rows.add(amount: "original_quota", d.originalQuota)
            rows.add(amount: "prj_credit_quota", d.projectCreditQuota)
            rows.add(amount: "prj_poc_quota", d.projectPocQuota)
            rows.add(amount: "prj_su_quota", d.projectSUQuota)
            rows.add(amount: "prj_obtained_su", d.projectObtainedSU)
            tables[.twccWallet] = rows
        }
    }

    /// Inserts a batch of one table's detail rows.
    func insertDetails(_ table: DetailTable, _ rows: JSONRows) async throws {
        let list = (["version_id"] + table.columns).joined(separator: ", ")
        // The table and column names are this file's own constants, never input.
        try await connection.query(
            """
            INSERT INTO \(unescaped: table.rawValue) (\(unescaped: list))
            SELECT \(unescaped: list) FROM jsonb_to_recordset(\(rows.json)::jsonb) AS r(\(unescaped: table.recordColumns))
            ORDER BY version_id
            """, logger: logger)
    }
}
