import Hummingbird
import LedgerCore
import LedgerReports
import LedgerStore

/// `GET /api/v1/<list>` for every list `query` prints, and the OpenAPI document that describes them. Handlers only
/// turn parameters into a query and its rows into JSON: the rules are in LedgerReports and the reads in LedgerStore.
struct ListController: Sendable {
    let reader: LedgerReader
    /// Answers kept by the ledger's change stamp: exact, never stale.
    let cache: StampedCache

    func addRoutes(to routes: RouteTable) {
        for kind in QueryKind.allCases {
            routes.get("/api/v1/\(kind.rawValue)") { request, _ in try await list(kind, request) }
        }
        routes.get("/api/v1/openapi.json") { _, _ in JSONResponse.make(body: ByteBuffer(bytes: OpenAPIDocument.bytes)) }
    }

    func list(_ kind: QueryKind, _ request: Request) async throws -> Response {
        let options: QueryOptions
        do {
            options = try QueryParameters.options(for: kind, request.queryPairs)
        } catch {
            throw APIError.badParameter(error.name, error.description)
        }
        let reader = reader
        let read: @Sendable () async throws -> ByteBuffer = {
            var body = Array("{\"rows\":".utf8)
            let next: String?
            do {
                next = try await QueryRunner.writeJSON(kind, reader: reader, options: options, to: &body)
            } catch let error as QueryError {
                throw APIError(error)
            }
            body.append(contentsOf: ",\"next_after\":".utf8)
            if let next { JSONValue.writeString(next, to: &body) } else { body.append(contentsOf: "null".utf8) }
            body.append(UInt8(ascii: "}"))
            return ByteBuffer(bytes: body)
        }
        let stamp: Int64?
        do { stamp = try reader.changeStamp() } catch { throw APIError(error) }
        guard let stamp else { return JSONResponse.make(body: try await read()) }
        // The same question at the same stamp has the same answer: the parameters as sent are the key.
        let key = kind.rawValue + "?" + (request.uri.query ?? "")
        return JSONResponse.make(body: try await cache.value(key: key, stamp: stamp) { try await read() })
    }
}
