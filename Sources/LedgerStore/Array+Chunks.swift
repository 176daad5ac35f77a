extension Array {
    /// The elements in runs of at most `size`, in order: lists asked for with `IN (…)` go in runs that stay well
    /// under SQLite's limit on bound parameters, so a caller's list may be of any length.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// How many values one `IN (…)` list binds at most.
let inListChunk = 500
