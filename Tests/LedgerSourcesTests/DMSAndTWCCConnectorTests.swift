import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import Testing

@Suite("DMS and TWCC connectors over loopback")
struct DMSAndTWCCConnectorTests {
    @Test("DMS: amounts as strings and as numbers read exactly; the invariants of the payload hold")
    func dms() async throws {
        try await withSimulator(SimulatorConfiguration(dmsOrgs: 8)) { harness in
            for (orgID, asQuery) in [(Int64(101), false), (102, true), (104, false)] {
                let outcome = try await harness.dms(asQuery: asQuery).credit(orgID: orgID)
                let observation = try #require(outcome.decoded())
                guard case .dmsCredit(let details) = observation.details else {
                    Issue.record("not DMS")
                    return
                }
                let figures = observation.figures
                #expect(observation.account == .dmsCredit(orgID: orgID, orgType: 2))
                #expect(observation.sourceModifiedAt == nil)
                #expect(observation.validFrom == observation.observedAt)
                #expect(try figures.availableBalance!.adding(details.availableAmount!) == figures.totalAvailable)
                if details.isUnlimitedCredit {
                    #expect(orgID == 104)
                } else {
                    #expect(
                        try figures.creditLimit!.subtracting(figures.used!).subtracting(figures.frozen!)
                            == details.availableAmount)
                }
                #expect(details.accountDays != nil)
                #expect(details.accountDaysText?.hasSuffix("天") == true)
                // One org in three has a credit line that ends (the simulator's 102, 105, …); the others send "-".
                if (orgID - 101) % 3 == 1 {
                    #expect(details.creditEndTime?.wholeMatch(of: /\d{4}-\d{2}-\d{2} 00:00:00/) != nil)
                } else {
                    #expect(details.creditEndTime == nil)
                }
                // The token never appears in the identity that is logged and stored.
                #expect(!outcome.response.redactedURL.contains("sim-dms-token"))
            }
        }
    }

    @Test("DMS: an errCode other than 1000 is a remote error with its code and message")
    func dmsRemoteError() async throws {
        try await withSimulator { harness in
            let error = await #expect(throws: SourceError.self) { try await harness.dms().credit(orgID: 999) }
            #expect(error?.kind == .remote)
            #expect(error?.remoteCode == "2001")
            #expect(error?.message == "客户不存在")
        }
    }

    @Test("DMS day counts", arguments: [("9 天", 9), ("30天", 30), ("15 days", 15), ("7", 7)])
    func days(text: String, days: Int) {
        #expect(DMSCreditDecoder.days(text) == days)
    }

    @Test("DMS day counts that are not counts stay unread", arguments: ["-", "", "九天", "3 months", "1234567 天"])
    func notDays(text: String) {
        #expect(DMSCreditDecoder.days(text) == nil)
    }

    @Test("TWCC: wallets of a project are discovered from the keyed object, each read exactly")
    func twcc() async throws {
        try await withSimulator(SimulatorConfiguration(twccProjects: 2, childWalletsPerProject: 3)) { harness in
            let twcc = try harness.twcc()
            let discovery = await twcc.discoverWallets(projectCode: "MST000002")
            #expect(discovery.complete)
            #expect(discovery.items.map(\.walletCode) == ["W0000", "W0001", "W0002", "W0003"])
            var mothers = 0
            for wallet in discovery.items {
                let observation = try #require(
                    try await twcc.wallet(projectCode: "MST000002", walletCode: wallet.walletCode).decoded())
                guard case .twccWallet(let details) = observation.details else {
                    Issue.record("not TWCC")
                    return
                }
                #expect(observation.figures.unit == .serviceUnits)
                if details.isMother == true { mothers += 1 }
                let ceiling = try details.originalQuota!.adding(details.projectCreditQuota!).adding(
                    details.projectPocQuota!)
                #expect(observation.figures.availableBalance! <= ceiling)
                #expect(details.walletName == wallet.walletName)
            }
            #expect(mothers == 1)
            let missing = await twcc.discoverWallets(projectCode: "MST999999")
            #expect(!missing.complete)
            #expect(missing.failure?.kind == .notFound)
        }
    }

    @Test("TWCC: the API-key mode, and an expired key")
    func apiKey() async throws {
        try await withSimulator { harness in
            let outcome = try await harness.twcc(apiKey: "sim-api-key").wallet(
                projectCode: "MST000001", walletCode: "W0000")
            #expect(outcome.decoded() != nil)
            let error = await #expect(throws: SourceError.self) {
                try await harness.twcc(apiKey: "old-key").wallet(projectCode: "MST000001", walletCode: "W0000")
            }
            #expect(error?.kind == .authentication)
            #expect(error?.message.contains("Key is expired") == true)
        }
    }

    @Test("No secret reaches an error or a log line, whatever fails")
    func secretsNeverLeak() async throws {
        let secrets = ["sim-access-key-secret", "sim-dms-token", "sim-password", "sim-api-key", "wrong-secret-xyz"]
        try await withSimulator { harness in
            var errors: [String] = []
            for fault in [FaultKind.serverError, .throttled, .permissionDenied, .dropMidBody, .malformedJSON] {
                harness.simulator.faults.clear()
                harness.simulator.faults.add(FaultRule(fault, retryAfterSeconds: 0))
                for attempt in 0..<4 {
                    do {
                        switch attempt {
                        case 0: _ = try await harness.modelRouter().balance(clientID: 1001)
                        case 1: _ = try await harness.dms(asQuery: true).credit(orgID: 101)
                        case 2: _ = try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
                        default:
                            _ = try await harness.twcc(apiKey: "sim-api-key").wallet(
                                projectCode: "MST000001", walletCode: "W0001")
                        }
                    } catch {
                        errors.append(String(describing: error))
                        errors.append(String(reflecting: error))
                    }
                }
            }
            harness.simulator.faults.clear()
            do { _ = try await harness.modelRouter(secret: "wrong-secret-xyz").balance(clientID: 1001) } catch {
                errors.append(String(describing: error))
                errors.append(String(reflecting: error))
            }
            #expect(errors.count >= 10)
            #expect(!harness.logs.all.isEmpty)
            for text in errors + harness.logs.all {
                for secret in secrets {
                    #expect(!text.contains(secret), "\(secret) leaked into: \(text.prefix(200))")
                }
            }
        }
    }
}
