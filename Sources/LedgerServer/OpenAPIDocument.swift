import Foundation

/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`: `docs/openapi.json` as committed,
/// compiled in by the EmbedServerFiles plugin. The document is made from ``QueryParameters/table`` and the answers'
/// shapes by `OpenAPIGenerator` in the server's tests, which fail while the file differs from what it makes
/// (`LEDGERSYNC_UPDATE_OPENAPI=1 swift test --filter OpenAPITests` rewrites it).
enum OpenAPIDocument {
    /// The document's bytes.
    static let bytes: [UInt8] = {
        guard let file = embeddedDocumentFiles.first(where: { $0.name == "openapi" }),
            let data = Data(base64Encoded: file.base64)
        else { return Array("{}".utf8) }
        return Array(data)
    }()
}
