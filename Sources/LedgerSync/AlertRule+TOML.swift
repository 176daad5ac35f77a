import LedgerCore
import LedgerSources
import TOMLKit

extension AlertRule {
    /// Reads every `[[alerts]]` table, with its `[[alerts.webhook]]` tables.
    static func parseAll(_ root: TableReader, secrets: [String: String]) throws(ConfigError) -> [AlertRule] {
        guard let value = root.table["alerts"] else { return [] }
        guard let array = value.array else {
            throw root.error("alerts", "expected [[alerts]] tables (an array of tables), found \(value.type)")
        }
        var rules: [AlertRule] = []
        for index in 0..<array.count {
            guard let table = array[index].table else {
                throw root.error("alerts[\(index)]", "expected a table")
            }
            let rule = try parse(
                TableReader(table: table, file: root.file, prefix: "alerts[\(index)]"), secrets: secrets)
            guard !rules.contains(where: { $0.name == rule.name }) else {
                throw root.error("alerts[\(index)].name", "\"\(rule.name)\" names another rule too; names are unique")
            }
            rules.append(rule)
        }
        return rules
    }

    static func parse(_ table: TableReader, secrets: [String: String]) throws(ConfigError) -> AlertRule {
        try table.allowOnly(["name", "kind", "source", "account", "unit", "below", "days", "hours", "runs", "webhook"])
        let name = try table.string("name")
        guard !name.isEmpty, name.count <= 80 else { throw table.error("name", "expected 1 to 80 characters") }
        let kindText = try table.string("kind")
        guard let kind = AlertKind(rawValue: kindText) else {
            throw table.error(
                "kind",
                "\"\(kindText.prefix(40))\" is not an alert kind; use one of "
                    + AlertKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var rule = AlertRule(name: name, kind: kind)
        if let source = try table.optionalString("source") { rule.sources = [source] }
        rule.accountPattern = try table.optionalString("account")
        if let unit = try table.optionalString("unit") {
            do { rule.unit = try MoneyUnit(unit) } catch { throw table.error("unit", "\(error)") }
        }
        // Each kind needs its one threshold; any other is a mistake worth saying.
        let needs: String? =
            switch kind {
            case .balanceBelow: "below"
            case .creditEnding: "days"
            case .stale, .backup: "hours"
            case .syncFailing: "runs"
            case .newConflict: nil
            }
        for key in ["below", "days", "hours", "runs"] where key != needs && table.table[key] != nil {
            throw table.error(key, "does not apply to \(kind.rawValue)")
        }
        switch kind {
        case .balanceBelow:
            let text = try table.string("below")
            guard let amount = try? FixedDecimal(parsing: text) else {
                throw table.error(
                    "below", "\"\(text.prefix(40))\" is not an amount (a decimal in quotes, such as \"1000.00\")")
            }
            guard rule.unit != nil else {
                throw table.error(
                    "unit", "balance_below compares amounts of one unit: name it (such as unit = \"CNY\")")
            }
            rule.below = amount
        case .creditEnding: rule.count = try table.optionalInt("days", range: 0...3_650) ?? 7
        case .stale: rule.count = try table.optionalInt("hours", range: 1...8_760) ?? 24
        case .backup: rule.count = try table.optionalInt("hours", range: 1...8_760) ?? 26
        case .syncFailing: rule.count = try table.optionalInt("runs", range: 1...100) ?? 3
        case .newConflict: break
        }
        if let value = table.table["webhook"] {
            guard let array = value.array else { throw table.error("webhook", "expected [[alerts.webhook]] tables") }
            for index in 0..<array.count {
                guard let inner = array[index].table else { throw table.error("webhook[\(index)]", "expected a table") }
                let webhook = TableReader(table: inner, file: table.file, prefix: table.key("webhook[\(index)]"))
                try webhook.allowOnly(["url", "secret_env"])
                let url = try webhook.string("url")
                guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count <= 2_000 else {
                    throw webhook.error("url", "expected an http:// or https:// URL")
                }
                var secret: Secret?
                if let variable = try webhook.optionalString("secret_env") {
                    guard let value = secrets[variable], !value.isEmpty else {
                        throw webhook.error(
                            "secret_env", "the environment variable \(variable) is not set (nor in the secrets file)")
                    }
                    secret = Secret(value)
                }
                rule.webhooks.append(AlertWebhook(url: url, secret: secret))
            }
        }
        return rule
    }
}
