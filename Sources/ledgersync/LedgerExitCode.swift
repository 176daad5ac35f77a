import ArgumentParser
import Foundation
import LedgerStore

/// The exit codes of `ledgersync`, documented in the README and in `ledgersync --help`.
enum LedgerExitCode: Int32 {
    /// Success: the command did everything it was asked.
    case success = 0
    /// Done, with findings: a partial sync, or exceptions reported by `check`.
    case findings = 1
    /// Bad usage or input: an unknown option, a malformed value, an invalid config file.
    case usage = 2
    /// The database was refused or failed: newer schema, altered migration, SQLite error.
    case store = 3
    /// The command failed as a whole (a sync that stored nothing, an unreadable capture).
    case failed = 4
    /// Another sync holds the database's writer lock.
    case locked = 5

    static let help = """
        EXIT CODES
          0  success
          1  finished with findings (partial sync, exceptions found by check)
          2  bad usage or input (options, times, config file)
          3  database refused or failed (newer schema, altered migration, SQLite error)
          4  the command failed as a whole
          5  another sync holds the database
        """
}

/// An error the CLI reports with a sentence and an exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: LedgerExitCode
    var description: String { message }
}

extension LedgerSyncCommand {
    /// Parses and runs a command line, printing errors to standard error, and returns the exit code.
    static func runMapped(_ arguments: [String]) async -> LedgerExitCode {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return .success
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("ledgersync: \(failure.message)\n".utf8))
            return failure.exitCode
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("ledgersync: \(error)\n".utf8))
            return .store
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                // --help and --version
                print(message)
                return .success
            }
            FileHandle.standardError.write(Data("ledgersync: \(message)\n".utf8))
            return code == .validationFailure ? .usage : .failed
        }
    }
}
