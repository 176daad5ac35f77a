import LedgerCore
@testable import LedgerSync

/// The config loader: TOML text and a secrets file's text. The input is the TOML text, then (after a NUL byte, if
/// any) the secrets file's text.
enum ConfigFuzz {
    /// Secrets the environment holds: no error or description may ever show one.
    static let environment = [
        "MR_AK": "fuzz-access-key-id-7f3a", "MR_SK": "fuzz-access-key-secret-91c2", "DMS_TOKEN": "fuzz-dms-token-5d8e",
        "TWCC_ACCOUNT": "fuzz-twcc-user", "TWCC_PASSWORD": "fuzz-twcc-password-3b6f",
    ]

    static func run(_ bytes: [UInt8]) {
        let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
        let toml = String(decoding: bytes[..<split], as: UTF8.self)
        let secretsText = split < bytes.endIndex ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
        // Secrets that the input itself does not contain (an error may quote the input, never the environment).
        let hidden = environment.values.filter { !toml.contains($0) && !secretsText.contains($0) }
        do {
            let configuration = try SyncConfiguration.parse(
                toml, file: "fuzz.toml", directory: "/nonexistent-ledgersync-fuzz", environment: environment)
            let shown = "\(configuration)"
            for secret in hidden { require(!shown.contains(secret), "a configuration's description shows a secret") }
        } catch {
            let message = error.description
            for secret in hidden { require(!message.contains(secret), "a config error shows a secret: \(message)") }
            require(!error.file.isEmpty, "a config error names no file: \(message)")
            require(
                !error.key.isEmpty || message.contains("line") || message.contains("unknown key \""),
                "a config error names no key or line: \(message)")
        }
        secrets(secretsText)
    }

    /// A secrets file: accepted lines are exactly NAME=value; an error names the line and never echoes a value.
    static func secrets(_ text: String) {
        do {
            let values = try SyncConfiguration.parseSecrets(text, path: "secrets.env", configFile: "fuzz.toml")
            let bytes = Array(text.utf8)
            for (name, value) in values {
                // Compared as bytes: String.contains compares characters, and a value cut where a character of
                // the text begins with a combining mark is still the text's own bytes.
                require(
                    value.isEmpty || bytes.firstRange(of: Array(value.utf8)) != nil,
                    "a secret's value that is not in the file")
                require(!name.contains("="), "a secret's name with '=': \(name)")
            }
        } catch {
            let message = error.description
            require(message.contains("line"), "a secrets-file error names no line: \(message)")
            // The message's own words (the file names and the key) are not an echo of the file.
            let ownWords = "fuzz.toml: secrets_file: secrets.env line is not NAME=value"
            for line in text.split(separator: "\n") where line.count >= 12 && !ownWords.contains(line) {
                require(!message.contains(line), "a secrets-file error echoes a line of the file")
            }
        }
    }
}
