import CMallocArenas

/// Settings of the process's memory allocator, for an executable to apply first thing; libraries never do.
public enum ProcessMemory {
    /// Caps glibc's malloc at `count` arenas, unless the environment sets `MALLOC_ARENA_MAX` itself.
    ///
    /// glibc gives each new thread its own arena, up to eight per core, and an arena keeps the memory it once
    /// held. A sync spreads its work over a dozen threads (event loops, the concurrency pool, database queues), so
    /// its resident size was the sum of each arena's high-water mark and kept rising the longer a run went: the
    /// benchmark's unchanged re-sync held about 4 MiB more at 100k accounts than at 10k with the same live heap.
    /// With one arena the resident size follows the live heap; small allocations still skip its lock through
    /// glibc's per-thread cache.
    ///
    /// - Parameters:
    ///   - count: The most arenas malloc may use (at least 1).
    ///   - environment: The process environment; a `MALLOC_ARENA_MAX` there wins (glibc has read it already).
    /// - Returns: Whether this call set the cap (`false` on a C library other than glibc, or when the environment
    ///   sets it).
    @discardableResult
    public static func limitMallocArenas(to count: Int = 1, environment: [String: String]) -> Bool {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return false }
        return ledgersync_set_malloc_arena_max(Int32(clamping: max(1, count))) == 1
    }
}
