import Foundation

/// One measured child process: wall time, peak resident memory and exit status.
struct Measurement {
    var seconds: Double
    var peakRSSKiB: Int
    var status: Int32
}

/// Runs this executable again with `arguments`, waits, and reads its peak RSS from `wait4`'s rusage.
func measureSelf(
    _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
)
    throws -> Measurement
{
    try measure(
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, arguments, environment: environment)
}

/// Runs `executable` with `arguments`, waits, and reads its wall time and peak RSS.
func measure(
    _ executable: String, _ arguments: [String],
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> Measurement {
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let started = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawn(&pid, executable, nil, nil, argv, envp)
    guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    // wait4's ru_maxrss is not the child's own: posix_spawn starts it in this process's memory (vfork), and Linux
    // carries that high-water mark across exec, so a child of a large bench process looked as large as its parent.
    // The child's own mark after exec is VmHWM in /proc/<pid>/status, read every few milliseconds until it exits
    // (it only rises; what the last few milliseconds add is missed).
    var highWater = 0
    while true {
        let waited = wait4(pid, &status, WNOHANG, &usage)
        if waited == pid { break }
        guard waited == 0 || errno == EINTR else {
            throw BenchError("wait4 failed: \(String(cString: strerror(errno)))")
        }
        highWater = max(highWater, vmHighWaterKiB(pid) ?? 0)
        usleep(5_000)
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Measurement(
        seconds: elapsed, peakRSSKiB: highWater > 0 ? min(highWater, usage.ru_maxrss) : usage.ru_maxrss,
        status: exitStatus)
}

/// A running process's peak resident memory (`VmHWM`), in KiB.
func vmHighWaterKiB(_ pid: pid_t) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        // "VmHWM:\t  57400 kB": a tab, then spaces.
        return Int(line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `p`-th percentile (0...100) by nearest rank.
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
