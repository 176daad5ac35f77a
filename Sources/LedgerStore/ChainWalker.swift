import LedgerCore

/// The rules of a walk along the hash chain, whichever store the links are read from: each position follows the
/// one before, each hash follows from the one before and the fact, and a head asked for must be a point of the
/// chain. A store feeds it its links in order, what it found wrong with each fact, and the rows it found unlinked.
package struct ChainWalker: Sendable {
    private var walk = ChainWalk()
    private let expectHead: String?

    /// A walk from the first link; `expectHead` is a head (64 hex digits) that must be a point of the chain.
    package init(expectHead: String?) {
        self.expectHead = expectHead
        // The empty chain's head is where every chain starts.
        if expectHead == ChainHead.genesis.hash { walk.expectedAt = 0 }
    }

    /// The last link read.
    package var head: ChainHead { walk.head }

    /// Reads the next link.
    /// - Parameter problem: What is wrong with the fact the link points to, if anything (the store checks it).
    package mutating func link(
        position: Int64, factSHA256: String, chainHash: String, problem: (table: String, detail: String)?
    ) {
        if position != walk.head.position + 1 {
            finding(
                "fact_chain",
                "link \(position) follows link \(walk.head.position): links \(walk.head.position + 1)–\(position - 1) "
                    + "are missing")
        }
        if FactChain.link(previous: walk.head.hash, factSHA256: factSHA256) != chainHash {
            finding(
                "fact_chain",
                "link \(position)'s hash does not follow from link \(walk.head.position) and its fact: the chain was "
                    + "rewritten, reordered or spliced here")
        }
        if let problem { finding(problem.table, "\(problem.detail) (linked at position \(position))") }
        // Carry on from the stored hash: one edit is one finding, not one for every link after it.
        walk.head = ChainHead(position: position, hash: chainHash)
        if chainHash == expectHead { walk.expectedAt = position }
    }

    /// A row of a fact table that no link points to: written around the program.
    package mutating func unlinked(_ table: String, id: Int64) {
        finding(table, "row \(id) is in no link of the chain: it was not written by LedgerSync")
    }

    /// An alert whose state change no link records.
    package mutating func unlinkedAlert(id: Int64) {
        finding("alert_state", "row \(id) has a state change in no link of the chain")
    }

    /// The walk's findings and head, once every link and unlinked row was read.
    package func finish() -> ChainWalk {
        var result = walk
        if let expectHead, walk.expectedAt == nil {
            result.findings.append(
                VerifyFinding(
                    check: .chain, table: "fact_chain",
                    detail:
                        "the head \(expectHead) is no point of this ledger's chain (links 1–\(walk.head.position)): "
                        + "the ledger does not hold the history that head was taken from (an older copy, or history "
                        + "rewritten)"))
        }
        return result
    }

    private mutating func finding(_ table: String, _ detail: String) {
        walk.findings.append(VerifyFinding(check: .chain, table: table, detail: detail))
    }
}
