@testable import LedgerSources
import Testing

@Suite("Recent ids of a paged list")
struct RecentIDsTests {
    /// Inserts each id of each page, starting a page for each inner list, and returns what every insert said.
    static func feed(_ window: Int, _ pages: [[Int64]]) -> [[Bool]] {
        var recent = RecentIDs(pages: window)
        return pages.map { ids in
            recent.startPage()
            return ids.map { recent.insert($0) }
        }
    }

    @Test("An id is recognised on its page and the pages of the window, and forgotten beyond it")
    func window() {
        let answers = Self.feed(3, [[1, 1], [1, 2], [1, 3], [1, 2, 3]])
        #expect(
            answers == [
                [true, false],  // a repeat on the same page
                [false, true],  // one page back
                [false, true],  // two pages back
                // Page 1 left the window of three pages; 2 and 3 are still in it.
                [true, false, false],
            ])
    }

    @Test("A window of fewer than one page still remembers the current page")
    func smallest() {
        #expect(Self.feed(0, [[7, 7], [7]]) == [[true, false], [true]])
    }
}
