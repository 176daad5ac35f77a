import Foundation

/// Runs the real `ledgersync` binary built beside the tests.
public enum CLI {
    /// The `ledgersync` binary of this build.
    public static func binary() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        for directory in candidates {
            let path = directory.appendingPathComponent("ledgersync").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "ledgersync next to the tests"])
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `ledgersync` with `arguments` and waits for it, blocking the calling thread: for synchronous code with
    /// no server in the test process (use the async form otherwise).
    ///
    /// Standard output and error go to files, not pipes: a child that fills one pipe's buffer while the parent
    /// reads the other to its end would wait forever.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let child = try Child(arguments, in: directory, environment: environment)
        try child.process.run()
        child.process.waitUntilExit()
        return try child.result()
    }

    /// Runs `ledgersync` like ``run(_:in:environment:)``, waiting without holding a thread.
    ///
    /// Tests whose child talks to a server in the test process (the simulator, `serve`) must use this one:
    /// `waitUntilExit` blocks one of the few cooperative threads, and two such waits starve the in-process server
    /// the children are waiting for (seen: every test of the run held up two minutes, until HTTP timeouts).
    /// - Parameter executable: Another program to run instead (a shell that sets limits, then runs `ledgersync`).
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        executable: String? = nil
    ) async throws -> Result {
        let child = try Child(arguments, in: directory, environment: environment, executable: executable)
        try await exit(of: child.process)
        return try child.result()
    }

    /// Starts `process` (unless `started`) and waits for its exit without blocking a thread.
    public static func exit(of process: Process, started: Bool = false) async throws {
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exited.continuation.finish() }
        if !started { try process.run() }
        if started, !process.isRunning { return }
        for await _ in exited.stream {}
    }

    /// A prepared `ledgersync` process whose output goes to files.
    private struct Child {
        let process = Process()
        let scratch: TemporaryDirectory
        let out: FileHandle
        let err: FileHandle

        init(
            _ arguments: [String], in directory: String?, environment: [String: String], executable: String? = nil
        ) throws {
            scratch = try TemporaryDirectory()
            _ = FileManager.default.createFile(atPath: scratch.file("stdout"), contents: nil)
            _ = FileManager.default.createFile(atPath: scratch.file("stderr"), contents: nil)
            out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stdout")))
            err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stderr")))
            process.executableURL = URL(fileURLWithPath: try executable ?? CLI.binary())
            process.arguments = arguments
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            process.standardOutput = out
            process.standardError = err
        }

        /// The exit status and what the child wrote, once it exited.
        func result() throws -> Result {
            try out.close()
            try err.close()
            func text(_ name: String) -> String {
                String(decoding: FileManager.default.contents(atPath: scratch.file(name)) ?? Data(), as: UTF8.self)
            }
            return Result(status: process.terminationStatus, stdout: text("stdout"), stderr: text("stderr"))
        }
    }
}
