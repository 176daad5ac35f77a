import LedgerCore
import LedgerSources

extension SourceConfiguration {
    /// The keys every source table may have; each kind adds its own (``SourceSettings/keys``).
    static let commonKeys = [
        "kind", "base_url", "unit", "discover", "concurrency", "requests_per_second",
        "timeout_seconds", "max_response_bytes", "max_attempts",
    ]

    /// Reads one `[sources.NAME]` table: the keys every source has, then its kind's settings.
    static func parse(
        _ table: TableReader, name: String, secrets: [String: String], directory: String
    )
        throws(ConfigError) -> SourceConfiguration
    {
        let kindText = try table.string("kind")
        guard let kind = SourceKind(rawValue: kindText) else {
            let kinds = SourceKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw table.error("kind", "\"\(kindText.prefix(40))\" is not a source kind; use one of \(kinds)")
        }
        let settingsType = kind.connectorType.settingsType
        try table.allowOnly(commonKeys + settingsType.keys)
        let baseURL: BaseURL
        do {
            baseURL = try BaseURL(try table.string("base_url"), source: name)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw table.error("base_url", (error as? SourceError)?.message ?? "\(error)")
        }
        let unit: MoneyUnit
        do {
            unit =
                try table.optionalString("unit").map { text throws in try MoneyUnit(text) } ?? settingsType.defaultUnit
        } catch let error as ConfigError {
            throw error
        } catch {
            throw table.error("unit", "\(error)")
        }
        let discover: Bool
        switch (settingsType.listing, try table.optionalBool("discover")) {
        case (.unavailable(let reason), true): throw table.error("discover", reason)
        case (.unavailable, _): discover = false
        case (.available(let byDefault), let set): discover = set ?? byDefault
        }
        let settings = try settingsType.init(
            reading: SourceTable(table: table, secrets: secrets, directory: directory), discover: discover)
        return SourceConfiguration(
            name: name, kind: kind, baseURL: baseURL, unit: unit, discover: discover, settings: settings,
            limits: try limits(table))
    }

    /// The source's limits: each key's default is ``SourceLimits``' own.
    static func limits(_ table: TableReader) throws(ConfigError) -> SourceLimits {
        let defaults = SourceLimits()
        return SourceLimits(
            concurrency: try table.optionalInt("concurrency", range: 1...256) ?? defaults.concurrency,
            requestsPerSecond: try table.optionalInt("requests_per_second", range: 1...100_000),
            requestTimeout: try table.optionalInt("timeout_seconds", range: 1...600).map { .seconds($0) }
                ?? defaults.requestTimeout,
            maximumBodyBytes: try table.optionalInt("max_response_bytes", range: 1024...1 << 30)
                ?? defaults.maximumBodyBytes,
            retry: RetryPolicy(
                maximumAttempts: try table.optionalInt("max_attempts", range: 1...10)
                    ?? defaults.retry.maximumAttempts))
    }
}
