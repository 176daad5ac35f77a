import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` over one shared AsyncHTTPClient `HTTPClient`.
public struct AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient

    /// - Parameter client: The shared client; its configuration carries the connect timeout.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// A client configured for sources: the connect timeout given, no redirects followed (a redirect from a
    /// balance API is an error to see, not to follow with credentials attached).
    public static func makeClient(connectTimeout: Duration = .seconds(5)) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: nil)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .ratio(50))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(
        _ request: SourceRequest, timeout: Duration, maximumBodyBytes: Int
    ) async throws(TransportFailure)
        -> (status: Int, headers: [(name: String, value: String)], body: [UInt8])
    {
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            httpRequest.headers.add(name: header.name, value: header.value)
        }
        do {
            let response = try await client.execute(httpRequest, timeout: TimeAmount(timeout))
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumBodyBytes
            {
                throw TransportFailure.bodyTooLarge(limit: maximumBodyBytes)
            }
            let buffer = try await response.body.collect(upTo: maximumBodyBytes)
            let headers = response.headers.map { (name: $0.name.lowercased(), value: $0.value) }
            return (Int(response.status.code), headers, Array(buffer.readableBytesView))
        } catch let failure as TransportFailure {
            throw failure
        } catch is NIOTooManyBytesError {
            throw .bodyTooLarge(limit: maximumBodyBytes)
        } catch let error as HTTPClientError {
            if [.readTimeout, .connectTimeout, .deadlineExceeded, .writeTimeout].contains(error) { throw .timeout }
            if error == .cancelled { throw .cancelled }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                throw .invalidRequest("the URL is not valid (\(error))")
            }
            throw .connection(String(describing: error))
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .connection(String(describing: error))
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
