import CFuzzerDriver
import Foundation

// ledgersync-fuzz TARGET [libFuzzer options] [corpus directories]: runs one fuzz target under libFuzzer.
// Tools/fuzz/run builds this with AddressSanitizer and coverage instrumentation and picks the corpus.
//
// The target is handed on in LEDGERSYNC_FUZZ_TARGET: libFuzzer runs this program again for -merge (with the
// command line it was given, which no longer has the target name), and the child finds its target there.
let environmentKey = "LEDGERSYNC_FUZZ_TARGET"
let target: FuzzTarget
var shift = false
if let name = ProcessInfo.processInfo.environment[environmentKey], let named = FuzzTarget(rawValue: name) {
    target = named
} else if CommandLine.arguments.count >= 2, let named = FuzzTarget(rawValue: CommandLine.arguments[1]) {
    target = named
    shift = true
    setenv(environmentKey, named.rawValue, 1)
} else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    printError("usage: ledgersync-fuzz TARGET [libFuzzer options] [corpus ...]\ntargets: \(names)")
    exit(2)
}
FuzzTarget.selected = target
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
if shift {
    // libFuzzer reads its own options from argv: hand it argv without the target name.
    CommandLine.unsafeArgv[1] = CommandLine.unsafeArgv[0]
    argc -= 1
    argv = CommandLine.unsafeArgv + 1
}
exit(
    LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        FuzzTarget.selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    })
