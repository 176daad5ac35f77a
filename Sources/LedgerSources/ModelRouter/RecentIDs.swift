/// The ids of a list's last few pages: enough to hand an entry out once when offset paging lists it again, in
/// memory that does not grow with the list.
///
/// Offset paging repeats an entry when entries are added ahead of the reader: those added between two requests
/// push the previous page's last entries onto the next page. A repeat further back than the window needs more
/// additions in that time than the window holds pages of entries, minus one page.
struct RecentIDs {
    private var pages: [Set<Int64>] = []
    private let depth: Int

    /// - Parameter pages: How many pages back a repeat is recognised (at least 1).
    init(pages: Int) {
        depth = max(1, pages)
    }

    /// Starts a new page; the oldest page beyond the window is forgotten.
    mutating func startPage() {
        if pages.count == depth { pages.removeFirst() }
        pages.append([])
    }

    /// Records `id` on the current page.
    /// - Returns: `false` if the id is already on the current page or one in the window.
    mutating func insert(_ id: Int64) -> Bool {
        if pages.isEmpty { startPage() }
        if pages.dropLast().contains(where: { $0.contains(id) }) { return false }
        return pages[pages.count - 1].insert(id).inserted
    }
}
