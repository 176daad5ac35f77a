import LedgerCore
import LedgerSimulator
@testable import LedgerSources
import Testing

/// Every fault the simulator injects, against the connectors over loopback: classified right, retried or not,
/// nothing decoded from a bad payload.
@Suite("Fault injection")
struct FaultTests {
    /// The account each test reads, as fault rules name it.
    static func target(_ source: SourceKind) -> String {
        switch source {
        case .modelRouter: "1001"
        case .dmsCredit: "101:2"
        case .twccWallet: "MST000001/W0001"
        }
    }

    @Test("500 is retried with backoff until it passes")
    func serverErrorRetried() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.serverError, source: .modelRouter, target: "1001", times: 2))
            let outcome = try await harness.modelRouter().balance(clientID: 1001)
            #expect(outcome.decoded() != nil)
            #expect(outcome.response.attempts == 3)
            // Exponential: 10 ms then 20 ms (jitter 0 takes the lower half).
            #expect(harness.sleeps.recorded == [.milliseconds(5), .milliseconds(10)])
        }
    }

    @Test("500 that persists becomes a retryable server error after the last attempt")
    func serverErrorPersists() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.serverError, source: .modelRouter))
            let error = await #expect(throws: SourceError.self) {
                try await harness.modelRouter().balance(clientID: 1001)
            }
            #expect(error?.kind == .server)
            #expect(error?.httpStatus == 500)
            #expect(error?.remoteCode == "Server.Internal.UnknownError")
            #expect(error?.retryable == true)
            #expect(error?.attempts == 3)
            #expect(error?.requestID != nil)
            #expect(error?.description.contains("client 1001") == true)
        }
    }

    @Test("429 honours Retry-After")
    func throttled() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.throttled, source: .dmsCredit, times: 1, retryAfterSeconds: 7))
            let outcome = try await harness.dms().credit(orgID: 101)
            #expect(outcome.decoded() != nil)
            #expect(harness.sleeps.recorded == [.seconds(7)])
        }
    }

    @Test("A Retry-After beyond the cap is not waited for")
    func throttledTooLong() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.throttled, source: .modelRouter, retryAfterSeconds: 3600))
            let error = await #expect(throws: SourceError.self) {
                try await harness.modelRouter().balance(clientID: 1001)
            }
            #expect(error?.kind == .rateLimited)
            #expect(error?.retryable == true)
            #expect(error?.attempts == 1)
            #expect(harness.sleeps.recorded.isEmpty)
        }
    }

    @Test(
        "4xx answers are classified and never retried",
        arguments: [
            (
                SourceKind.modelRouter, FaultKind.permissionDenied, SourceError.Kind.permissionDenied, 403,
                "B.Permission.DeniedException"
            ),
            (.modelRouter, .notFound, .notFound, 404, "B.Permission.OrgNoExistException"),
            (.twccWallet, .permissionDenied, .permissionDenied, 403, "385"),
            (.twccWallet, .notFound, .notFound, 404, "2001"),
            (.dmsCredit, .permissionDenied, .permissionDenied, 403, "403"),
        ])
    func clientErrors(
        source: SourceKind, fault: FaultKind, kind: SourceError.Kind, status: Int, code: String
    )
        async throws
    {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(fault, source: source, target: Self.target(source)))
            let error = await #expect(throws: SourceError.self) {
                switch source {
                case .modelRouter: _ = try await harness.modelRouter().balance(clientID: 1001)
                case .dmsCredit: _ = try await harness.dms().credit(orgID: 101)
                case .twccWallet: _ = try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
                }
            }
            #expect(error?.kind == kind)
            #expect(error?.httpStatus == status)
            #expect(error?.remoteCode == code)
            #expect(error?.retryable == false)
            #expect(error?.attempts == 1)
        }
    }

    @Test("TWCC's plain-text 404 is a not-found error with its text")
    func plainTextNotFound() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(
                FaultRule(.notFound, source: .twccWallet, target: "MST000001/W0001", plainText: true))
            let error = await #expect(throws: SourceError.self) {
                try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
            }
            #expect(error?.kind == .notFound)
            #expect(error?.message == "data not found.")
        }
    }

    @Test("A slow answer times out and is retried")
    func slow() async throws {
        try await withSimulator { harness in
            // The slow answers take 20 s, far beyond every timeout here, so whether a request times out never
            // depends on how loaded the machine is; the healthy retry has 5 s, far beyond a normal answer even while
            // other suites run beside it (at 0.3 s, then 1 s, it timed out under load).
            harness.simulator.faults.add(FaultRule(.slow, source: .modelRouter, times: 1, delayMilliseconds: 20_000))
            let connector = try harness.modelRouter(
                limits: SourceLimits(
                    requestTimeout: .seconds(5), retry: RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(1))))
            let outcome = try await connector.balance(clientID: 1001)
            #expect(outcome.decoded() != nil)
            #expect(outcome.response.attempts == 2)

            harness.simulator.faults.add(FaultRule(.slow, source: .modelRouter, delayMilliseconds: 20_000))
            let impatient = try harness.modelRouter(
                limits: SourceLimits(
                    requestTimeout: .milliseconds(500),
                    retry: RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(1))))
            let error = await #expect(throws: SourceError.self) { try await impatient.balance(clientID: 1001) }
            #expect(error?.kind == .timeout)
            #expect(error?.retryable == true)
        }
    }

    @Test("A connection dropped mid-body is retried")
    func droppedMidBody() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(
                FaultRule(.dropMidBody, source: .twccWallet, target: "MST000001/W0001", times: 1))
            let outcome = try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
            #expect(outcome.decoded() != nil)
            #expect(outcome.response.attempts == 2)
            #expect(harness.simulator.faults.hitCount(.dropMidBody) == 1)

            harness.simulator.faults.add(FaultRule(.dropMidBody, source: .twccWallet))
            let error = await #expect(throws: SourceError.self) {
                try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
            }
            #expect(error?.kind == .connection)
            #expect(error?.retryable == true)
        }
    }

    @Test(
        "Bad payloads are quarantined with a reason, never decoded",
        arguments: [
            (SourceKind.modelRouter, FaultKind.truncatedJSON), (.modelRouter, .malformedJSON),
            (.modelRouter, .wrongTypes),
            (.dmsCredit, .truncatedJSON), (.dmsCredit, .malformedJSON), (.dmsCredit, .wrongTypes),
            (.twccWallet, .truncatedJSON), (.twccWallet, .malformedJSON), (.twccWallet, .wrongTypes),
        ])
    func quarantined(source: SourceKind, fault: FaultKind) async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(fault, source: source, target: Self.target(source)))
            let outcome: FetchOutcome<BalanceObservation> =
                switch source {
                case .modelRouter: try await harness.modelRouter().balance(clientID: 1001)
                case .dmsCredit: try await harness.dms().credit(orgID: 101)
                case .twccWallet: try await harness.twcc().wallet(projectCode: "MST000001", walletCode: "W0001")
                }
            guard case .quarantined(let problem, let response) = outcome else {
                Issue.record("expected quarantine, got \(outcome)")
                return
            }
            #expect(!problem.reason.isEmpty)
            #expect(response.status == 200)
            #expect(!response.body.isEmpty)
            if fault == .wrongTypes {
                #expect(["data.balance", "su_qouta"].contains(problem.path), "\(problem)")
            }
        }
    }

    @Test("An oversized body fails at the cap and is not retried")
    func oversized() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.oversizedBody, source: .dmsCredit, bytes: 200_000))
            let dms = DMSCreditConnector(
                name: "dms", baseURL: try BaseURL(harness.baseURL, source: "dms"), currency: try MoneyUnit("CNY"),
                authentication: .query(name: "token", value: Secret("sim-dms-token")),
                http: harness.http("dms", limits: SourceLimits(maximumBodyBytes: 100_000)))
            let error = await #expect(throws: SourceError.self) { try await dms.credit(orgID: 101) }
            #expect(error?.kind == .tooLarge)
            #expect(error?.attempts == 1)
        }
    }

    @Test("An expired TWCC token is refreshed once; a refused refresh is an authentication error")
    func tokenRefresh() async throws {
        try await withSimulator { harness in
            let twcc = try harness.twcc()
            harness.simulator.faults.add(
                FaultRule(.expiredToken, source: .twccWallet, target: "MST000001/W0001", times: 1))
            let outcome = try await twcc.wallet(projectCode: "MST000001", walletCode: "W0001")
            #expect(outcome.decoded() != nil)
            #expect(harness.simulator.faults.hitCount(.expiredToken) == 1)

            // A token that keeps being refused: one refresh, then the error, never a loop.
            harness.simulator.faults.add(FaultRule(.expiredToken, source: .twccWallet, target: "MST000001/W0002"))
            let error = await #expect(throws: SourceError.self) {
                try await twcc.wallet(projectCode: "MST000001", walletCode: "W0002")
            }
            #expect(error?.kind == .authentication)
            #expect(error?.remoteCode == "89")
            #expect(harness.simulator.faults.hitCount(.expiredToken) == 3)

            let wrong = try harness.twcc(password: "wrong-password")
            let refused = await #expect(throws: SourceError.self) {
                try await wrong.wallet(projectCode: "MST000001", walletCode: "W0001")
            }
            #expect(refused?.kind == .authentication)
            #expect(refused?.target == "token")
        }
    }

    @Test("ModelRouter's expired signature time and DMS's refused token are authentication errors")
    func otherAuthFailures() async throws {
        try await withSimulator { harness in
            harness.simulator.faults.add(FaultRule(.expiredToken, source: .modelRouter, times: 1))
            let error = await #expect(throws: SourceError.self) {
                try await harness.modelRouter().balance(clientID: 1001)
            }
            #expect(error?.kind == .authentication)
            #expect(error?.remoteCode == "InvalidTimeStamp.Expired")

            let dms = await #expect(throws: SourceError.self) {
                try await harness.dms(token: "wrong").credit(orgID: 101)
            }
            #expect(dms?.kind == .authentication)
            #expect(dms?.httpStatus == 401)
        }
    }
}
