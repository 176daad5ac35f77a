/// What one fetch produced: a decoded value, or a payload kept aside because it did not decode.
/// A failed fetch (no usable response, or an error answer) is thrown as ``SourceError`` instead.
public enum FetchOutcome<Value: Sendable>: Sendable {
    /// The payload decoded; the response is kept as the raw evidence.
    case decoded(Value, SourceResponse)
    /// The payload did not decode: keep the raw bytes with the reason, and store nothing else from it.
    case quarantined(DecodingProblem, SourceResponse)

    /// The response the outcome came from.
    public var response: SourceResponse {
        switch self {
        case .decoded(_, let response), .quarantined(_, let response): response
        }
    }

    /// The decoded value, if any.
    public var value: Value? {
        if case .decoded(let value, _) = self { return value }
        return nil
    }
}

/// How a decoder judges a response: data, a payload to quarantine, or an error answer.
enum Verdict<Value> {
    case value(Value)
    case quarantine(DecodingProblem)
    case failure(SourceError)
}

extension Verdict {
    /// Turns the verdict into a connector result: throws a failure, wraps the rest.
    func outcome(_ response: SourceResponse) throws(SourceError) -> FetchOutcome<Value> where Value: Sendable {
        switch self {
        case .value(let value): .decoded(value, response)
        case .quarantine(let problem): .quarantined(problem, response)
        case .failure(let error): throw error
        }
    }
}

extension SourceError {
    /// The error for a non-success HTTP status, from the status and whatever code and message the body names.
    static func forStatus(
        _ response: SourceResponse, source: String, target: String, remoteCode: String?, message: String?,
        requestID: String?
    ) -> SourceError {
        let status = response.status
        let kind: Kind =
            switch status {
            case 401: .authentication
            case 403: .permissionDenied
            case 404: .notFound
            case 429: .rateLimited
            case 500...: .server
            default: .badRequest
            }
        return SourceError(
            kind: kind, source: source, target: target, httpStatus: status, remoteCode: remoteCode,
            message: message ?? "the source answered HTTP \(status) with no message", requestID: requestID,
            retryable: status == 429 || status >= 500, attempts: response.attempts)
    }

    /// A short, printable excerpt of a body that is not the expected JSON.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(120), as: UTF8.self)
            .unicodeScalars.map { $0.value < 0x20 ? " " : String($0) }.joined()
        return text.isEmpty ? "an empty body" : "\"\(text)\(body.count > 120 ? "…" : "")\""
    }
}

extension FieldReader {
    /// Parses a response body as a JSON object. A body that is not one is a failure when the status is not 2xx
    /// (the server's own error page), and a payload to quarantine when it is.
    static func body(of response: SourceResponse, source: String, target: String) -> Verdict<FieldReader> {
        do {
            return .value(try FieldReader.document(response.body))
        } catch {
            guard (200..<300).contains(response.status) else {
                return .failure(
                    .forStatus(
                        response, source: source, target: target, remoteCode: nil,
                        message: "the body is not JSON: \(SourceError.excerpt(response.body))", requestID: nil))
            }
            return .quarantine(error)
        }
    }
}
