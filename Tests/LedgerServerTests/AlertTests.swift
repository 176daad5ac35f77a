import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerServer
import LedgerSimulator
import LedgerSources
import LedgerSync
import LedgerTestSupport
import Logging
import Testing

/// A webhook receiver on a free loopback port: records every message, answers 500 to the first `failures`.
final class WebhookReceiver: @unchecked Sendable {
    struct Message: Sendable {
        var body: String
        var signature: String?
    }

    private let lock = NSLock()
    private var received: [Message] = []
    private var failuresLeft: Int
    private(set) var port = 0
    private var task: Task<Void, any Error>?

    init(failures: Int = 0) async throws {
        failuresLeft = failures
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let fail: Bool = self.lock.withLock {
                self.received.append(
                    Message(body: body, signature: request.headers[HTTPField.Name("X-LedgerSync-Signature")!]))
                if self.failuresLeft > 0 {
                    self.failuresLeft -= 1
                    return true
                }
                return false
            }
            return Response(status: fail ? .internalServerError : .noContent)
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                ready.continuation.yield(channel.localAddress?.port ?? 0)
                ready.continuation.finish()
            }, logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        task = Task { try await app.run() }
        for await bound in ready.stream { port = bound }
    }

    var messages: [Message] { lock.withLock { received } }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
    }

    /// The messages the receiver took (answered 2xx), as parsed JSON objects.
    func delivered(failures: Int) throws -> [JSONObject] {
        try messages.dropFirst(failures).map { message in
            guard case .object(let object) = try JSONValue.parse(message.body) else { throw ReceiverError() }
            return object
        }
    }

    struct ReceiverError: Error {}
}

@Suite("serve: alerts")
struct AlertTests {
    static func rules(_ url: String) -> String {
        """
        [[alerts]]
        name = "mr-low"
        kind = "balance_below"
        source = "mr"
        account = "1001"
        unit = "CNY"
        below = "100000000"

        [[alerts.webhook]]
        url = "\(url)"
        secret_env = "HOOK_SECRET"
        """
    }

    func completeRuns(_ harness: ServeHarness) throws -> Int {
        try harness.count("SELECT count(*) FROM sync_run WHERE status = 'complete'")
    }

    @Test(
        "An alert fires once, signed; a restart neither repeats nor loses it; it resolves once; a failing receiver is retried"
    )
    func lifecycle() async throws {
        setenv("HOOK_SECRET", "hook-secret-77", 1)
        let receiver = try await WebhookReceiver(failures: 2)
        defer { Task { await receiver.stop() } }
        var environment = ServeHarness.environment
        environment["HOOK_SECRET"] = "hook-secret-77"
        let first = try await ServeHarness(extra: Self.rules(receiver.url), environment: environment)
        do {
            #expect(try await first.eventually { try completeRuns(first) == 1 })
            // Two 500s, then taken: three posts of the same message.
            #expect(try await first.eventually { receiver.messages.count == 3 })
            let fired = try receiver.delivered(failures: 2)
            #expect(fired.count == 1)
            #expect(fired[0]["event"] == .string("firing") && fired[0]["subject"] == .string("mr/1001"))
            #expect(fired[0]["alert"] == .string("mr-low") && fired[0]["account"] == .string("1001"))
            guard case .string(let link)? = fired[0]["link"] else { throw WebhookReceiver.ReceiverError() }
            #expect(link.hasSuffix("/api/v1/history?source=mr&account=1001"), "\(link)")
            for message in receiver.messages {
                let key = SymmetricKey(data: Data("hook-secret-77".utf8))
                let expected = HMAC<SHA256>.authenticationCode(for: Data(message.body.utf8), using: key)
                    .map { String(format: "%02x", $0) }.joined()
                #expect(message.signature == "sha256=" + expected)
            }
            let api = try await first.request("/api/v1/alerts")
            #expect(
                api.body.contains("\"state\":\"firing\"") && api.body.contains("\"rule\":\"mr-low\""), "\(api.body)")
            let metrics = try await first.request("/metrics")
            #expect(
                metrics.body.contains(
                    "ledgersync_alert_firing{rule=\"mr-low\",kind=\"balance_below\",subject=\"mr/1001\"} 1"))
        } catch {
            await first.shutdown()
            throw error
        }
        await first.stopServer()

        // A restart on the same ledger: the next sync finds the alert still firing and sends nothing.
        let second = try await ServeHarness(extra: Self.rules(receiver.url), environment: environment, reusing: first)
        do {
            #expect(try await second.eventually { await !second.server.scheduler.currentStatus().running })
            #expect(await second.server.scheduler.requestRun() == .started)
            #expect(try await second.eventually { try completeRuns(second) == 2 })
            // The run's evaluation is over once the scheduler is idle: it queued no message, so none can be sent.
            #expect(try await second.eventually { await !second.server.scheduler.currentStatus().running })
            #expect(try second.count("SELECT count(*) FROM alert_delivery") == 1)
            #expect(try second.count("SELECT count(*) FROM alert_delivery WHERE status = 'pending'") == 0)
            #expect(receiver.messages.count == 3)
            // The balance rises above the threshold: one resolved message, then nothing more.
            second.simulator.simulator.world.setClientBalance(1001, to: FixedDecimal("500000000.00")!)
            second.simulator.simulator.world.advance(seconds: 60)
            #expect(try await second.eventually { await !second.server.scheduler.currentStatus().running })
            #expect(await second.server.scheduler.requestRun() == .started)
            #expect(try await second.eventually { try completeRuns(second) == 3 })
            #expect(try await second.eventually { receiver.messages.count == 4 })
            let resolved = try receiver.delivered(failures: 2)
            #expect(resolved.count == 2 && resolved[1]["event"] == .string("resolved"))
            #expect(resolved[1]["resolved_at"] != .null)
            #expect(try await second.eventually { await !second.server.scheduler.currentStatus().running })
            #expect(await second.server.scheduler.requestRun() == .started)
            #expect(try await second.eventually { try completeRuns(second) == 4 })
            #expect(try await second.eventually { await !second.server.scheduler.currentStatus().running })
            #expect(try second.count("SELECT count(*) FROM alert_delivery") == 2)
            #expect(try second.count("SELECT count(*) FROM alert_delivery WHERE status = 'pending'") == 0)
            #expect(receiver.messages.count == 4)
            #expect(try second.count("SELECT count(*) FROM alert_state") == 1)
            #expect(try second.count("SELECT count(*) FROM alert_delivery WHERE status = 'delivered'") == 2)
            // The ledger names the webhook by a digest: no URL (which may carry a token) and no secret in it.
            #expect(try second.count("SELECT count(*) FROM alert_delivery WHERE webhook LIKE '%127.0.0.1%'") == 0)
        } catch {
            await second.shutdown()
            throw error
        }
        await second.shutdown()
    }

    @Test("check --alerts evaluates the rules once: exit 1 and a line per alert when one fires")
    func checkAlerts() async throws {
        var environment = ServeHarness.environment
        environment["HOOK_SECRET"] = "hook-secret-77"
        let harness = try await ServeHarness(extra: Self.rules("http://127.0.0.1:9/hook"), environment: environment)
        do {
            #expect(try await harness.eventually { try completeRuns(harness) == 1 })
            let config = harness.directory.file("alerts.toml")
            try """
            [store]
            path = "\(harness.databasePath)"

            [sources.mr]
            kind = "modelrouter"
            base_url = "\(harness.simulator.baseURL)"
            access_key_id_env = "HOOK_SECRET"
            access_key_secret_env = "HOOK_SECRET"

            \(Self.rules("http://127.0.0.1:9/hook"))
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let result = try await CLI.run(
                ["check", "--alerts", "--config", config], environment: ["HOOK_SECRET": "x"])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains("mr-low mr/1001: mr/1001"), "\(result.stdout)")
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    @Test(
        "Alert rules in the config: each kind's threshold, and clear errors",
        arguments: [
            ("kind = \"balance_below\"\nbelow = \"10\"", "alerts[0].unit"),
            ("kind = \"balance_below\"\nunit = \"CNY\"\nbelow = \"ten\"", "alerts[0].below"),
            ("kind = \"stale\"\ndays = 3", "alerts[0].days"),
            ("kind = \"later\"", "alerts[0].kind"),
            ("kind = \"stale\"\n[[alerts.webhook]]\nurl = \"ftp://x\"", "alerts[0].webhook[0].url"),
        ])
    func configErrors(body: String, key: String) throws {
        let text =
            "[store]\npath = \"l.sqlite\"\n[sources.d]\nkind = \"dms_credit\"\nbase_url = \"http://127.0.0.1:1\"\norgs = [1]\n[[alerts]]\nname = \"a\"\n"
            + body
        let error = #expect(throws: ConfigError.self) {
            try SyncConfiguration.parse(text, file: "c.toml", directory: "/tmp", environment: [:])
        }
        #expect(error?.key == key, "\(String(describing: error))")
    }

    @Test("A valid rule set reads every kind with its default")
    func configValid() throws {
        let text = """
            [store]
            path = "l.sqlite"
            [sources.d]
            kind = "dms_credit"
            base_url = "http://127.0.0.1:1"
            orgs = [1]
            [[alerts]]
            name = "credit"
            kind = "credit_ending"
            [[alerts]]
            name = "fresh"
            kind = "stale"
            hours = 6
            [[alerts]]
            name = "failing"
            kind = "sync_failing"
            [[alerts]]
            name = "conflicts"
            kind = "new_conflict"
            source = "d"
            """
        let rules = try SyncConfiguration.parse(text, file: "c.toml", directory: "/tmp", environment: [:]).alerts
        #expect(rules.map(\.kind) == [.creditEnding, .stale, .syncFailing, .newConflict])
        #expect(rules.map(\.count) == [7, 6, 3, nil])
        #expect(rules[3].sources == ["d"])
    }
}
