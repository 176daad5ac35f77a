import AsyncHTTPClient
import Crypto
import Foundation
import LedgerCore
import LedgerStore
import Logging
import NIOCore
import ServiceLifecycle

/// Sends the messages alerts owe to their webhooks: one when an alert fires, one when it resolves, each until the
/// webhook takes it (a 2xx) or, after ``maximumAttempts``, gives up. Failures wait from 5 s, doubling up to an
/// hour. What is owed is kept in the ledger, so a restart sends what was pending and never repeats what was sent.
///
/// Each message is JSON with the alert, the account or source, the exact figures and a link to the account's
/// history; `X-LedgerSync-Signature: sha256=<hex>` is the HMAC-SHA256 of the body with the webhook's secret.
actor AlertDeliverer: Service {
    static let maximumAttempts = 12

    private let database: @Sendable () throws -> LedgerDatabase
    private let reader: LedgerReader
    private let webhooks: [String: AlertWebhook]
    private let clock: any LedgerClock
    private let sleep: @Sendable (Duration) async throws -> Void
    private let link: @Sendable () -> String
    private let retryBase: Duration
    private let logger: Logger
    private var wakeup: CheckedContinuation<Void, Never>?
    private var woken = false

    /// - Parameters:
    ///   - database: Opens the ledger for writing delivery outcomes.
    ///   - webhooks: The configured webhooks, by ``AlertWebhook/id``.
    ///   - clock: When a retry is due is reckoned by it.
    ///   - sleep: The wait until the next retry is due (a test's own, or a real one).
    ///   - link: The server's base URL, for links in messages.
    ///   - retryBase: The wait after a first failure; it doubles with each further one, up to an hour.
    init(
        database: @escaping @Sendable () throws -> LedgerDatabase, reader: LedgerReader, webhooks: [AlertWebhook],
        clock: any LedgerClock, sleep: @escaping @Sendable (Duration) async throws -> Void,
        link: @escaping @Sendable () -> String, retryBase: Duration = .seconds(5), logger: Logger
    ) {
        self.sleep = sleep
        self.retryBase = retryBase
        self.database = database
        self.reader = reader
        self.webhooks = Dictionary(webhooks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.link = link
        self.logger = logger
    }

    /// Asks for a look at what is due now (after an evaluation recorded new alerts).
    func wake() {
        woken = true
        wakeup?.resume()
        wakeup = nil
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let database: LedgerDatabase
        do {
            database = try self.database()
        } catch {
            try? await client.shutdown()
            throw error
        }
        // Graceful shutdown cancels the loop, a delivery in flight included: it stays pending for the next start.
        await cancelWhenGracefulShutdown {
            await self.loop(client: client, database: database)
        }
        try? database.close()
        try await client.shutdown()
    }

    private func loop(client: HTTPClient, database: LedgerDatabase) async {
        while !Task.isCancelled {
            await deliverDue(client: client, database: database)
            let next = (try? reader.nextDeliveryDue()) ?? nil
            let due: Duration =
                next.map { .milliseconds(max(0, $0.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch)) }
                ?? .seconds(3600)
            await wait(min(due, .seconds(3600)))
        }
    }

    /// Waits `duration`, or less when woken or shut down.
    private func wait(_ duration: Duration) async {
        if woken || Task.isCancelled || duration <= .zero {
            woken = false
            return
        }
        let sleep = self.sleep
        let timer = Task {
            try? await sleep(duration)
            self.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if woken || Task.isCancelled { continuation.resume() } else { wakeup = continuation }
            }
        } onCancel: {
            Task { await self.wake() }
        }
        woken = false
        timer.cancel()
    }

    private func deliverDue(client: HTTPClient, database: LedgerDatabase) async {
        guard let due = try? reader.dueDeliveries(now: clock.now()) else { return }
        for delivery in due where !Task.isCancelled {
            let error: String?
            if let webhook = webhooks[delivery.webhook] {
                error = await send(delivery, to: webhook, client: client)
                // Cancelled by shutdown mid-send: not an attempt; it stays due.
                if Task.isCancelled { return }
            } else {
                error = "the webhook is no longer in the config"
            }
            let attempts = delivery.attempts + 1
            let next: Instant? =
                error == nil || attempts >= Self.maximumAttempts || webhooks[delivery.webhook] == nil
                ? nil
                : clock.now().adding(milliseconds: min(3_600_000, retryBase.milliseconds << min(attempts - 1, 20)))
            if let error {
                logger.warning(
                    "alert delivery failed",
                    metadata: [
                        "alert": "\(delivery.alert.rule) \(delivery.alert.subject)", "webhook": "\(delivery.webhook)",
                        "attempt": "\(attempts)", "error": "\(error)",
                    ])
            }
            do {
                try await database.transaction { tx in
                    try tx.recordDelivery(id: delivery.id, error: error, nextAttemptAt: next)
                }
            } catch {
                logger.error("cannot record an alert delivery", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Posts one message; `nil` when the webhook took it, else why not (never the URL: it may hold a token).
    private func send(_ delivery: PendingDelivery, to webhook: AlertWebhook, client: HTTPClient) async -> String? {
        let body = Self.body(delivery, link: link())
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: LedgerDefaults.userAgent)
        if let secret = webhook.secret {
            request.headers.add(name: "X-LedgerSync-Signature", value: "sha256=" + Self.signature(body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 << 10)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            return "\(type(of: error))"
        }
    }

    /// The message's JSON.
    static func body(_ delivery: PendingDelivery, link: String) -> String {
        let alert = delivery.alert
        let figures = (try? JSONValue.parse(alert.figures)) ?? .object(JSONObject([]))
        var target = "\(link)/api/v1/"
        if let source = alert.source, let account = alert.account {
            target += "history?source=\(percentEncoded(source))&account=\(percentEncoded(account))"
        } else {
            target += "runs" + (alert.source.map { "?source=\(percentEncoded($0))" } ?? "")
        }
        return JSONValue.object(
            JSONObject([
                ("event", .string(delivery.event)), ("alert", .string(alert.rule)),
                ("kind", .string(alert.kind.rawValue)),
                ("subject", .string(alert.subject)), ("source", alert.source.map(JSONValue.string) ?? .null),
                ("account", alert.account.map(JSONValue.string) ?? .null), ("message", .string(alert.message)),
                ("figures", figures), ("firing_since", .string(alert.firingSince.iso8601)),
                ("resolved_at", alert.resolvedAt.map { .string($0.iso8601) } ?? .null), ("link", .string(target)),
            ])
        ).jsonText
    }

    /// The hex HMAC-SHA256 of `body` with `secret`.
    static func signature(_ body: String, secret: Secret) -> String {
        let key = SymmetricKey(data: Data(secret.reveal().utf8))
        return HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key).map { String(format: "%02x", $0) }
            .joined()
    }

    private static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
