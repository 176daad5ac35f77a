import Foundation
import LedgerTestSupport
import Testing

/// `ledgersync --generate-completion-script SHELL` (swift-argument-parser) as a user installs it: the bash script is
/// loaded into a real bash and asked to complete what a user types.
@Suite("Shell completions")
struct ShellCompletionTests {
    /// What bash offers after `line` with the completion script loaded, as the words of COMPREPLY.
    static func complete(_ line: String, script: String) throws -> [String] {
        let driver = """
            source "$1"
            read -ra COMP_WORDS <<< "$2"
            [[ "$2" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE="$2"
            COMP_POINT=${#COMP_LINE}
            _ledgersync ledgersync "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", driver, "bash", script, line]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bash failed completing \(line)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("bash completes subcommands, their options and option values")
    func bash() async throws {
        let directory = try TemporaryDirectory()
        let generated = try await CLI.run(["--generate-completion-script", "bash"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let script = directory.file("ledgersync.bash")
        try generated.stdout.write(toFile: script, atomically: true, encoding: .utf8)

        #expect(try Self.complete("ledgersync qu", script: script) == ["query"])
        #expect(try Self.complete("ledgersync se", script: script) == ["serve"])
        #expect(try Self.complete("ledgersync query b", script: script) == ["balances"])
        #expect(try Self.complete("ledgersync export --t", script: script).sorted() == ["--to", "--tolerance", "--tz"])
        #expect(
            try Self.complete("ledgersync query balances --format ", script: script) == [
                "table", "json", "ndjson", "csv",
            ])
        #expect(try Self.complete("ledgersync serve --li", script: script) == ["--listen"])
    }

    @Test("zsh and fish scripts name every subcommand", arguments: ["zsh", "fish"])
    func otherShells(shell: String) async throws {
        let generated = try await CLI.run(["--generate-completion-script", shell])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix(shell == "zsh" ? "#compdef ledgersync" : "function __ledgersync_"))
        for command in ["init", "sync", "query", "export", "check", "rebuild", "migrate", "serve", "demo", "balances"] {
            #expect(generated.stdout.contains(command), "\(shell): no \(command)")
        }
    }
}
