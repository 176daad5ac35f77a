import Foundation

/// The fuzz targets: each reads one kind of outside input and checks properties of what it makes of it, not only
/// that it does not crash. A failed property stops the process (`fail`), which libFuzzer reports as a crash with
/// the input that caused it.
enum FuzzTarget: String, CaseIterable, Sendable {
    case json
    case jsonDiff = "json-diff"
    case modelRouterBalance = "mr-balance"
    case modelRouterClients = "mr-clients"
    case modelRouterLogs = "mr-logs"
    case dmsCredit = "dms-credit"
    case twccWallet = "twcc-wallet"
    case twccWallets = "twcc-wallets"
    case config
    case statementCSV = "statement-csv"
    case httpDate = "http-date"

    /// The target libFuzzer's C callback runs: a C function pointer cannot capture it, so it is set once in main
    /// before fuzzing starts and only read afterwards.
    nonisolated(unsafe) static var selected = FuzzTarget.json

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json: JSONFuzz.run(bytes)
        case .jsonDiff: JSONFuzz.differential(bytes)
        case .modelRouterBalance: DecoderFuzz.modelRouterBalance(bytes)
        case .modelRouterClients: DecoderFuzz.modelRouterClients(bytes)
        case .modelRouterLogs: DecoderFuzz.modelRouterLogs(bytes)
        case .dmsCredit: DecoderFuzz.dmsCredit(bytes)
        case .twccWallet: DecoderFuzz.twccWallet(bytes)
        case .twccWallets: DecoderFuzz.twccWallets(bytes)
        case .config: ConfigFuzz.run(bytes)
        case .statementCSV: StatementFuzz.run(bytes)
        case .httpDate: HTTPFuzz.run(bytes)
        }
    }
}

/// Stops the run: a property did not hold for this input.
func fail(_ message: String) -> Never {
    printError("property failed: \(message)")
    abort()
}

/// Checks a property.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
