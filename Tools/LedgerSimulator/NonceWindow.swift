import LedgerCore

/// The signature nonces the simulated gateway still has to refuse as replays.
///
/// A signed request is only accepted while its `x-acs-date` is within the tolerance of the gateway's clock, so a
/// replay of a nonce first seen at `t` can only pass the date check until `t + 2 × tolerance`. Nonces are kept in
/// two generations of that length: a nonce stays refused for at least two tolerances and memory stays bounded by
/// the requests of the last two generations, however long the simulator runs (it held every nonce before: 80,000
/// more for each sync of the benchmark's 40,000 clients).
struct NonceWindow {
    /// How long a generation lasts; `nil` keeps every nonce (no date check bounds a replay).
    let generationMilliseconds: Int64?
    private var current = Set<String>()
    private var previous = Set<String>()
    private var generationStart: Int64?

    /// - Parameter dateToleranceSeconds: The gateway's `x-acs-date` tolerance, or `nil` when it checks no date.
    init(dateToleranceSeconds: Int64?) {
        generationMilliseconds = dateToleranceSeconds.map { 2 * $0 * 1000 }
    }

    /// Remembers a nonce.
    /// - Parameters:
    ///   - nonce: The request's `x-acs-signature-nonce`.
    ///   - now: The gateway's clock.
    /// - Returns: `false` if the nonce was seen within the window (a replay).
    mutating func insert(_ nonce: String, at now: Instant) -> Bool {
        if let length = generationMilliseconds {
            let time = now.millisecondsSinceEpoch
            let start = generationStart ?? time
            if time - start >= 2 * length {
                // Both generations are older than any replay that could still pass the date check.
                previous = []
                current = []
                generationStart = time
            } else if time - start >= length {
                previous = current
                current = []
                generationStart = start + length
            } else {
                generationStart = start
            }
            if previous.contains(nonce) { return false }
        }
        return current.insert(nonce).inserted
    }

    /// How many nonces are remembered.
    var count: Int { current.count + previous.count }
}
