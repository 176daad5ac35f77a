import ArgumentParser
import ProcessTuning
import Foundation
import LedgerSync
import Logging

// The thin entry point: one malloc arena before any thread starts (resident memory that follows the live heap,
// see ProcessMemory), logs to standard error (standard output is for results), then parse, run, and map every
// failure to a documented exit code (see LedgerExitCode).
ProcessMemory.limitMallocArenas(environment: ProcessInfo.processInfo.environment)
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel =
        ProcessInfo.processInfo.environment["LEDGERSYNC_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    return handler
}
let code = await LedgerSyncCommand.runMapped(CommandLine.arguments.dropFirst().map { $0 })
exit(code.rawValue)
