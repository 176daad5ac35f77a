extension MigrationStatus {
    /// A plain-text table of migration states, one line per migration, for `ledgersync migrate --status`.
    ///
    /// - Parameter statuses: The states from ``LedgerDatabase/migrationStatus(path:migrations:)``.
    /// - Returns: Aligned lines: identifier, state, SHA-256 and when it was applied.
    public static func table(_ statuses: [MigrationStatus]) -> String {
        let idWidth = max(9, statuses.map(\.id.count).max() ?? 0)
        var lines = [pad("MIGRATION", idWidth) + "  " + pad("STATE", 8) + "  " + pad("SHA-256", 64) + "  APPLIED AT"]
        for status in statuses {
            var checksum = status.shippedSHA256 ?? status.recordedSHA256 ?? ""
            if status.state == .modified, let recorded = status.recordedSHA256 {
                checksum = "\(status.shippedSHA256 ?? "") (recorded \(recorded))"
            }
            lines.append(
                pad(status.id, idWidth) + "  " + pad(status.state.rawValue, 8) + "  " + pad(checksum, 64) + "  "
                    + (status.appliedAt?.iso8601 ?? "-"))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
