/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`; `docs/openapi.json` is the same text
/// (a test keeps them equal).
enum OpenAPIDocument {
    static let json = """
        {}
        """
}
