import Foundation
import LedgerDemo
import LedgerTestSupport
import Testing

@Suite("Commands printed as they run")
struct CommandLineInvocationTests {
    func invocation(
        _ executable: String, in directory: String, path: String, links: [String: String] = [:]
    )
        -> String
    {
        CommandLineInvocation(
            executable: executable, workingDirectory: directory, path: path,
            resolve: { links[$0] }, isPackage: { $0 == "/src/ledgersync" }
        ).prefix
    }

    @Test("Installed on PATH, run from the package with swift run, or elsewhere by its path")
    func prefixes() {
        let built = "/src/ledgersync/.build/x86_64-unknown-linux-gnu/debug/ledgersync"
        #expect(
            invocation(
                "/opt/bin/ledgersync", in: "/tmp", path: "/usr/bin:/opt/bin",
                links: ["/opt/bin/ledgersync": "/opt/bin/ledgersync"]) == "ledgersync")
        // A link on PATH to the running binary counts as installed.
        #expect(
            invocation(built, in: "/tmp", path: "/usr/local/bin", links: ["/usr/local/bin/ledgersync": built])
                == "ledgersync")
        #expect(invocation(built, in: "/src/ledgersync", path: "/usr/bin") == "swift run ledgersync")
        // Another ledgersync first on PATH is not this one: the path is printed.
        #expect(
            invocation(built, in: "/home/me", path: "/usr/bin", links: ["/usr/bin/ledgersync": "/usr/bin/ledgersync"])
                == built)
        #expect(
            invocation("/home/me/my tools/ledgersync", in: "/home/me", path: "")
                == "'/home/me/my tools/ledgersync'")
        #expect(CommandLineInvocation.shellQuoted("it's") == "'it'\\''s'")
    }

    @Test("The demo's printed commands run as shown, from another directory and with a space in the path")
    func demoCommandsRun() async throws {
        let scratch = try TemporaryDirectory()
        let demo = try await CLI.run(["demo", "--dir", "my demo"], in: scratch.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        let lines = demo.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let balances = try #require(lines.first { $0.contains(" query balances --db ") })
        #expect(
            balances.hasPrefix(CommandLineInvocation.shellQuoted(try CLI.binary()))
                || balances.hasPrefix("ledgersync "), "\(balances)")
        for command in [balances, try #require(lines.first { $0.contains(" check --db ") })] {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", command + " > out.txt 2>&1"]
            shell.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
            try shell.run()
            shell.waitUntilExit()
            let output = String(
                decoding: FileManager.default.contents(atPath: scratch.file("out.txt")) ?? Data(), as: UTF8.self)
            // query exits 0; check exits 1 with the demo's two staged findings.
            #expect(shell.terminationStatus == (command.contains(" check ") ? 1 : 0), "\(command): \(output)")
            #expect(output.contains(command.contains(" check ") ? "2 findings" : "modelrouter"), "\(output)")
        }
    }
}
