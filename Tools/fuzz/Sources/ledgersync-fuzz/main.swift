import CFuzzerDriver
import Glibc

// ledgersync-fuzz TARGET [libFuzzer options] [corpus directories]: runs one fuzz target under libFuzzer.
// Tools/fuzz/run builds this with AddressSanitizer and coverage instrumentation and picks the corpus.
let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    printError("usage: ledgersync-fuzz TARGET [libFuzzer options] [corpus ...]\ntargets: \(names)")
    exit(2)
}
FuzzTarget.selected = target
// libFuzzer reads its own options from argv: hand it argv without the target name.
CommandLine.unsafeArgv[1] = CommandLine.unsafeArgv[0]
var argc = CommandLine.argc - 1
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv + 1
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzTarget.selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
