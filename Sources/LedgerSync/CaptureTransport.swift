import Foundation
import LedgerCore
import LedgerSources

/// The file name a request's response is captured under: its method and redacted URL path with query, hashed,
/// so that a replay with the same config finds it whatever host it was captured from.
func captureKey(_ request: SourceRequest) -> String {
    var identity = request.redactedURL
    if let schemeEnd = identity.range(of: "://") {
        let rest = identity[schemeEnd.upperBound...]
        identity = String(rest.drop { $0 != "/" })
    }
    return sha256Hex(Array("\(request.method) \(identity)".utf8)) + ".json"
}

/// Sends through another transport and also writes every response to a directory, for `sync --from` to replay.
///
/// Credential exchanges (the TWCC token call) are not written: their answers are secrets.
public struct CapturingTransport: HTTPTransport {
    let base: any HTTPTransport
    let directory: URL

    /// - Parameters:
    ///   - base: The transport that reaches the network.
    ///   - directory: Where captures go; created if needed.
    public init(base: any HTTPTransport, directory: String) throws {
        self.base = base
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    public func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        let answer = try await base.send(request, timeout: timeout, maximumBodyBytes: maximumBodyBytes)
        guard !request.isCredentialExchange else { return answer }
        // The headers the sync reads: Date (valid time), Retry-After, and the source's request id, if it has one.
        let kept = ["date", "content-type", "retry-after"] + (request.requestIDHeader.map { [$0] } ?? [])
        let headers = answer.headers.filter { kept.contains($0.name.lowercased()) }
        let document = JSONValue.object(
            JSONObject([
                ("method", .string(request.method)),
                ("url", .string(request.redactedURL)),
                ("status", .number(String(answer.status))),
                ("headers", .array(headers.map { .array([.string($0.name), .string($0.value)]) })),
                ("body_base64", .string(Data(answer.body).base64EncodedString())),
            ]))
        do {
            try Data(document.jsonText.utf8).write(
                to: directory.appendingPathComponent(captureKey(request)), options: .atomic)
        } catch {
            throw .invalidRequest("cannot write the capture to \(directory.path): \(error)")
        }
        return answer
    }
}

/// Answers requests from a capture directory, with no network. A request that was not captured fails at once.
public struct ReplayTransport: HTTPTransport {
    let directory: URL

    /// A replay of the capture in `directory`.
    public init(directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(file: directory, key: "", problem: "the capture directory does not exist")
        }
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    }

    public func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        if request.isCredentialExchange {
            // Not captured (a secret); any token will do for answers that are already recorded.
            return (200, [("content-type", "application/json")], Array(#"{"token":"replay"}"#.utf8))
        }
        let file = directory.appendingPathComponent(captureKey(request))
        guard let data = FileManager.default.contents(atPath: file.path),
            case .object(let object)? = try? JSONValue.parse(Array(data)),
            case .number(let statusText)? = object["status"], let status = Int(statusText),
            case .string(let base64)? = object["body_base64"], let body = Data(base64Encoded: base64),
            case .array(let headerList)? = object["headers"]
        else {
            throw .invalidRequest(
                "no captured response for \(request.method) \(request.redactedURL) in \(directory.path)")
        }
        guard body.count <= maximumBodyBytes else { throw .bodyTooLarge(limit: maximumBodyBytes) }
        let headers: [(name: String, value: String)] = headerList.compactMap { item in
            guard case .array(let pair) = item, pair.count == 2, case .string(let name) = pair[0],
                case .string(let value) = pair[1]
            else { return nil }
            return (name, value)
        }
        return (status, headers, Array(body))
    }
}
