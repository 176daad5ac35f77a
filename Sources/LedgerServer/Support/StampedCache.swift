import Hummingbird

/// Answers to the JSON lists, each kept with the ledger's change stamp it was read at (``LedgerReader/changeStamp()``)
/// and served again only while the stamp has not moved: exact, never stale, because any commit (the scheduled sync,
/// a `ledgersync sync` from cron, an alert) moves the stamp and the next request reads afresh.
///
/// Pollers (dashboards, exporters, scripts) ask the same few questions over and over, and a sync commits a group at a
/// time, so most requests between two commits are the same read. Concurrent requests for one key wait for the read
/// in flight instead of each starting their own. Bounded by entries and bytes; the least recently used go first.
actor StampedCache {
    private struct Entry {
        var stamp: Int64
        var task: Task<ByteBuffer, any Error>
        var bytes: Int
        var used: UInt64
    }

    /// At most this many answers are kept.
    let maximumEntries: Int
    /// At most this many bytes of answers are kept (an answer larger than this is served, never kept).
    let maximumBytes: Int
    private var entries: [String: Entry] = [:]
    private var bytes = 0
    private var tick: UInt64 = 0

    init(maximumEntries: Int = 256, maximumBytes: Int = 32 << 20) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// The answer for `key` read at `stamp` or later: a kept one, the one being read, or a new read by `compute`.
    /// A failed read is not kept.
    func value(
        key: String, stamp: Int64, _ compute: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        tick &+= 1
        if var entry = entries[key], entry.stamp >= stamp {
            entry.used = tick
            entries[key] = entry
            return try await entry.task.value
        }
        let task = Task { try await compute() }
        replace(key, with: Entry(stamp: stamp, task: task, bytes: 0, used: tick))
        let value: ByteBuffer
        do {
            value = try await task.value
        } catch {
            if entries[key]?.task == task { replace(key, with: nil) }
            throw error
        }
        // Another request may have replaced the entry with a newer read meanwhile: only this one's size is set.
        if var entry = entries[key], entry.task == task {
            if value.readableBytes > maximumBytes {
                replace(key, with: nil)
            } else {
                entry.bytes = value.readableBytes
                replace(key, with: entry)
            }
        }
        evict()
        return value
    }

    /// How many answers are kept now (tests).
    var count: Int { entries.count }

    private func replace(_ key: String, with entry: Entry?) {
        bytes -= entries[key]?.bytes ?? 0
        entries[key] = entry
        bytes += entry?.bytes ?? 0
    }

    private func evict() {
        while entries.count > maximumEntries || bytes > maximumBytes {
            guard let oldest = entries.min(by: { $0.value.used < $1.value.used }) else { return }
            replace(oldest.key, with: nil)
        }
    }
}
