import Foundation

/// How to run `ledgersync` again from where the user is, so that printed commands run as shown.
public struct CommandLineInvocation: Sendable, Equatable {
    /// The words that start a command: `ledgersync`, `swift run ledgersync`, or the binary's quoted path.
    public var prefix: String

    /// A given prefix.
    public init(prefix: String) {
        self.prefix = prefix
    }

    /// The prefix for a binary at `executable`, run from `workingDirectory`.
    ///
    /// - `ledgersync` when the first `ledgersync` on `path` is this binary (it was installed);
    /// - `swift run ledgersync` when the binary is this package's build product (`<package>/.build/…`) and the
    ///   working directory is that package (it was started with `swift run`);
    /// - else the binary's absolute path.
    /// - Parameters:
    ///   - executable: The running binary's absolute path, links resolved.
    ///   - workingDirectory: The process's working directory.
    ///   - path: The `PATH` environment variable.
    ///   - resolve: Resolves links (the file system's in the CLI; a table in tests).
    ///   - isPackage: Whether a directory holds a `Package.swift`.
    public init(
        executable: String, workingDirectory: String, path: String?,
        resolve: (String) -> String?, isPackage: (String) -> Bool
    ) {
        var onPath: String?
        for directory in (path ?? "").split(separator: ":") {
            if let found = resolve("\(directory)/ledgersync") {
                onPath = found
                break
            }
        }
        if onPath == executable {
            prefix = "ledgersync"
            return
        }
        if let build = executable.range(of: "/.build/") {
            let package = String(executable[..<build.lowerBound])
            if package == workingDirectory, isPackage(package) {
                prefix = "swift run ledgersync"
                return
            }
        }
        prefix = Self.shellQuoted(executable)
    }

    /// The running process's invocation.
    public static func current() -> CommandLineInvocation {
        let files = FileManager.default
        let executable =
            (try? files.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        return CommandLineInvocation(
            executable: executable, workingDirectory: files.currentDirectoryPath,
            path: ProcessInfo.processInfo.environment["PATH"],
            resolve: { candidate in
                guard files.isExecutableFile(atPath: candidate) else { return nil }
                return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
            },
            isPackage: { files.fileExists(atPath: "\($0)/Package.swift") })
    }

    /// `text` as one word of a POSIX shell: unchanged when it has only safe characters, else single-quoted.
    public static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (CharacterSet.alphanumerics.contains(scalar) || "/._-+=:,@%".unicodeScalars.contains(scalar))
        }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
