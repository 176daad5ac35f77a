import Foundation
import LedgerCore

/// The simulated state of all three sources. Deterministic from the seed: the same seed and the same sequence of
/// advances give the same balances, movements and timestamps.
public final class SimulatorWorld: @unchecked Sendable {
    struct Client {
        var id: Int64
        var name: String
        var parentID: Int64?
        var balanceType: String
        var balance: Int128  // billionths (10^-9), as FixedDecimal.nanos: any amount a client can have
        var gmtCreate: Instant
        var gmtModified: Instant
        /// The value before the last change, served by the stale-gmtModified fault.
        var previous: (balance: Int128, gmtModified: Instant)?
        var logs: [Log]
        var deleted = false
    }

    struct Log {
        var id: Int64
        var changeType: String
        var amount: Int128  // billionths, as the client's balance
        var before: Int128
        var after: Int128
        var gmtCreate: Instant
    }

    struct Org {
        var orgID: Int64
        var unlimited: Bool
        var balance: Int64
        var creditLimit: Int64
        var used: Int64
        var frozen: Int64
        var expired: Int64
        var accountDays: Int
        var verified: Bool
        /// When the org's credit line ends (`credit_end_time`); `nil` sends "-", as most orgs do.
        var creditEnd: Instant? = nil
        var available: Int64 { unlimited ? 0 : creditLimit - used - frozen }
    }

    struct Wallet {
        var project: String
        var code: String
        var name: String
        var isMother: Bool
        var walletID: Int
        var original: Int64
        var credit: Int64
        var poc: Int64
        var suQuota: Int64
        var projectSU: Int64
        var obtained: Int64
    }

    private let lock = NSLock()
    private var rng: SplitMix64
    private var nextLogID: Int64 = 900_000_001
    private(set) var clients: [Client] = []
    private(set) var orgs: [Org] = []
    private(set) var wallets: [Wallet] = []
    private var clientIndex: [Int64: Int] = [:]
    private var orgIndex: [Int64: Int] = [:]
    private var walletIndex: [String: Int] = [:]
    private var projectIndex: [String: [Int]] = [:]
    private var time: Instant
    private let changePercent: Int
    private var deletedCount = 0

    public init(configuration: SimulatorConfiguration) {
        rng = SplitMix64(seed: configuration.seed)
        time = configuration.start
        changePercent = configuration.changePercent
        for (index, id) in configuration.modelRouterClientIDs.enumerated() {
            let tokens = index % 5 == 4
            let balance =
                Int128(
                    tokens
                        ? Int64(rng.next(in: 1_000...5_000_000)) * 10_000 : Int64(rng.next(in: 100...10_000_000)) * 100)
                * Self.nanosPerE4
            let created = configuration.start.adding(seconds: -Int64(rng.next(in: 86_400...86_400 * 365)))
            clientIndex[id] = clients.count
            clients.append(
                Client(
                    id: id, name: "部门-\(id)", parentID: index == 0 ? nil : 1001,
                    balanceType: tokens ? "tokens" : "amount",
                    balance: 0, gmtCreate: created, gmtModified: created, previous: nil, logs: []))
            // An opening recharge so that every balance is explained by its log.
            appendLog(clientAt: clients.count - 1, type: "recharge", amount: balance, at: created)
        }
        for (index, orgID) in configuration.dmsOrgIDs.enumerated() {
            let unlimited = index % 7 == 3
            let credit = unlimited ? 0 : Int64(rng.next(in: 0...100_000)) * 10_000
            orgIndex[orgID] = orgs.count
            orgs.append(
                Org(
                    orgID: orgID, unlimited: unlimited, balance: Int64(rng.next(in: 0...5_000_000)) * 100,
                    creditLimit: credit, used: 0, frozen: 0, expired: 0, accountDays: [0, 7, 9, 30][index % 4],
                    verified: index % 2 == 0,
                    // One org in three has a credit line that ends, days to weeks after the world starts.
                    creditEnd: index % 3 == 1
                        ? configuration.start.adding(seconds: Int64(5 + index * 7 % 60) * 86_400) : nil))
        }
        var walletID = 80
        for project in configuration.twccProjectCodes {
            let credit = Int64(rng.next(in: 0...1_000)) * 10_000
            let poc = Int64(rng.next(in: 0...500)) * 10_000
            for child in 0...configuration.childWalletsPerProject {
                walletID += 1
                let original = Int64(rng.next(in: 0...100_000_000))
                let code = child == 0 ? "W0000" : "W" + pad(child, 4)
                walletIndex["\(project)/\(code)"] = wallets.count
                projectIndex[project, default: []].append(wallets.count)
                wallets.append(
                    Wallet(
                        project: project, code: code, name: child == 0 ? "母錢包" : "子錢包\(child)", isMother: child == 0,
                        walletID: walletID, original: original, credit: credit, poc: poc,
                        suQuota: original + credit + poc, projectSU: original, obtained: original + credit + poc))
            }
        }
    }

    /// The current simulated time.
    public var now: Instant { lock.withLock { time } }

    /// Moves simulated time forward; about `changePercent` of accounts change at instants inside the interval.
    public func advance(seconds: Int64) {
        guard seconds > 0 else { return }
        lock.withLock {
            let start = time
            time = time.adding(seconds: seconds)
            for index in clients.indices where rng.next(in: 0...99) < changePercent {
                let at = start.adding(milliseconds: Int64(rng.next(in: 1...Int(seconds * 1000))))
                let at2 = max(at, clients[index].gmtModified.adding(seconds: 1))
                guard at2 <= time else { continue }
                let client = clients[index]
                let step: Int128 = (client.balanceType == "tokens" ? 10_000 : 100) * Self.nanosPerE4
                var amount = -Int128(rng.next(in: 1...50_000)) * step
                var type = rng.next(in: 0...1) == 0 ? "deduct" : "auto_deduct"
                if client.balance + amount < 0 || rng.next(in: 0...9) == 0 {
                    amount = Int128(rng.next(in: 1...100_000)) * step
                    type = "recharge"
                }
                clients[index].previous = (client.balance, client.gmtModified)
                appendLog(clientAt: index, type: type, amount: amount, at: at2)
            }
            for index in orgs.indices where rng.next(in: 0...99) < changePercent {
                var org = orgs[index]
                let spend = Int64(rng.next(in: 0...200_000)) * 100
                if org.balance >= spend {
                    org.balance -= spend
                } else if !org.unlimited {
                    org.used = min(org.creditLimit, org.used + spend - org.balance)
                    org.balance = 0
                }
                if rng.next(in: 0...4) == 0 { org.balance += Int64(rng.next(in: 0...1_000_000)) * 100 }
                org.frozen = org.unlimited ? 0 : min(org.creditLimit - org.used, Int64(rng.next(in: 0...3)) * 10_000)
                orgs[index] = org
            }
            for index in wallets.indices where rng.next(in: 0...99) < changePercent {
                let use = min(wallets[index].original, Int64(rng.next(in: 0...1_000_000)))
                wallets[index].original -= use
                // su_qouta also subtracts billed-unpaid and used-unbilled amounts the payload does not show.
                let unbilled = Int64(rng.next(in: 0...1_000))
                wallets[index].suQuota = max(
                    0, wallets[index].original + wallets[index].credit + wallets[index].poc - unbilled)
                wallets[index].projectSU = wallets[index].original
            }
        }
    }

    /// Billionths in one ten-thousandth: the clients' amounts are billionths, the other sources' ten-thousandths.
    static let nanosPerE4: Int128 = 100_000

    /// Sets a ModelRouter client's balance to an exact amount, with a balance-log entry of type `adjust` for the
    /// difference, one second after its last change (or at the current simulated time, if that is later).
    /// - Returns: `false` for an unknown client.
    @discardableResult
    public func setClientBalance(_ id: Int64, to amount: FixedDecimal) -> Bool {
        lock.withLock {
            guard let index = clientIndex[id] else { return false }
            let at = max(time, clients[index].gmtModified.adding(seconds: 1))
            clients[index].previous = (clients[index].balance, clients[index].gmtModified)
            appendLog(clientAt: index, type: "adjust", amount: amount.nanos - clients[index].balance, at: at)
            return true
        }
    }

    private func appendLog(clientAt index: Int, type: String, amount: Int128, at: Instant) {
        let before = clients[index].balance
        clients[index].logs.append(
            Log(
                id: nextLogID, changeType: type, amount: amount, before: before, after: before + amount, gmtCreate: at))
        nextLogID += 1
        clients[index].balance = before + amount
        clients[index].gmtModified = at
    }

    /// Each account's balance as the sources serve it now (what a ledger stores as the available balance), keyed
    /// `modelrouter/<client id>`, `dms_credit/<org id>:2` and `twcc_wallet/<project>/<wallet>`; deleted clients are
    /// left out. A test's model of what the sources said.
    public func servedBalances() -> [String: FixedDecimal] {
        lock.withLock {
            var balances: [String: FixedDecimal] = [:]
            for client in clients where !client.deleted {
                balances["modelrouter/\(client.id)"] = try? FixedDecimal(nanos: client.balance)
            }
            for org in orgs { balances["dms_credit/\(org.orgID):2"] = FixedDecimal(units: org.balance, scale: 4) }
            for wallet in wallets {
                balances["twcc_wallet/\(wallet.project)/\(wallet.code)"] = FixedDecimal(units: wallet.suQuota, scale: 4)
            }
            return balances
        }
    }

    func client(_ id: Int64) -> Client? { lock.withLock { clientIndex[id].map { clients[$0] } } }
    func org(_ id: Int64) -> Org? { lock.withLock { orgIndex[id].map { orgs[$0] } } }
    func wallet(project: String, code: String) -> Wallet? {
        lock.withLock { walletIndex["\(project)/\(code)"].map { wallets[$0] } }
    }

    /// One page of the clients not deleted, and how many there are, without copying the rest.
    func clientPage(start: Int, count: Int) -> (page: [Client], total: Int) {
        lock.withLock {
            if deletedCount == 0 {
                let end = min(clients.count, start + count)
                return (start < end ? Array(clients[start..<end]) : [], clients.count)
            }
            let visible = clients.filter { !$0.deleted }
            let end = min(visible.count, start + count)
            return (start < end ? Array(visible[start..<end]) : [], visible.count)
        }
    }
    func projectWallets(_ project: String) -> [Wallet]? {
        lock.withLock { projectIndex[project].map { $0.map { wallets[$0] } } }
    }

    /// Renames a ModelRouter client (tests give hostile names to check every output escapes them).
    public func setClientName(_ id: Int64, _ name: String) {
        lock.withLock {
            guard let index = clientIndex[id] else { return }
            clients[index].name = name
        }
    }

    /// Marks a ModelRouter client deleted (or restores it), so discovery stops (or starts again) listing it.
    public func setClientDeleted(_ id: Int64, _ deleted: Bool) {
        lock.withLock {
            guard let index = clientIndex[id], clients[index].deleted != deleted else { return }
            clients[index].deleted = deleted
            deletedCount += deleted ? 1 : -1
        }
    }

    /// The sum of a client's log amounts and its balance, for tests: they are always equal.
    public func clientBalanceAndLogSum(_ id: Int64) -> (balance: FixedDecimal, logSum: FixedDecimal)? {
        lock.withLock {
            guard let index = clientIndex[id] else { return nil }
            let client = clients[index]
            return (
                try! FixedDecimal(nanos: client.balance),  // a test's figures, within range by construction
                try! FixedDecimal(nanos: client.logs.reduce(0) { $0 + $1.amount })
            )
        }
    }
}
