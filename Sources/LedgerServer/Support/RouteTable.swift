import Hummingbird

/// The routes of `serve`, as the controllers register them: each once, with its method, and whether a browser reads
/// it as a page. The router is built from this table, and so are the access rules that need to know every route:
/// the `Allow` list of a 405 and the pages a browser without a session is sent to sign in for.
final class RouteTable {
    /// One route.
    struct Route {
        /// The path, `/`-separated; a segment `:name` matches any one segment.
        var path: String
        var method: HTTPRequest.Method
        /// A dashboard page: without a session a browser is sent to `/login` and back.
        var isPage: Bool
        var handler: @Sendable (Request, ServeContext) async throws -> Response
    }

    private(set) var routes: [Route] = []

    /// Registers `handler` for `method` on `path`.
    func on(
        _ path: String, _ method: HTTPRequest.Method, page: Bool = false,
        _ handler: @escaping @Sendable (Request, ServeContext) async throws -> Response
    ) {
        routes.append(Route(path: path, method: method, isPage: page, handler: handler))
    }

    func get(
        _ path: String, page: Bool = false,
        _ handler: @escaping @Sendable (Request, ServeContext) async throws -> Response
    ) {
        on(path, .get, page: page, handler)
    }

    func post(
        _ path: String, page: Bool = false,
        _ handler: @escaping @Sendable (Request, ServeContext) async throws -> Response
    ) {
        on(path, .post, page: page, handler)
    }

    /// What the access middleware needs to know of the routes.
    var map: RouteMap { RouteMap(routes.map { ($0.path, $0.method, $0.isPage) }) }

    /// Adds every route to `router`.
    func register(on router: Router<ServeContext>) {
        for route in routes {
            router.on(RouterPath(stringLiteral: route.path), method: route.method, use: route.handler)
        }
    }
}

/// The registered paths with their methods, matched as the router matches them.
struct RouteMap: Sendable {
    private struct Entry: Sendable {
        var segments: [Substring]
        var methods: [HTTPRequest.Method]
        var isPage: Bool
    }

    private var entries: [Entry] = []

    init(_ routes: [(path: String, method: HTTPRequest.Method, isPage: Bool)]) {
        for route in routes {
            let segments = route.path.split(separator: "/")
            if let index = entries.firstIndex(where: { $0.segments == segments }) {
                entries[index].methods.append(route.method)
                entries[index].isPage = entries[index].isPage || route.isPage
            } else {
                entries.append(Entry(segments: segments, methods: [route.method], isPage: route.isPage))
            }
        }
    }

    private func entry(_ path: String) -> Entry? {
        let parts = path.split(separator: "/")
        return entries.first { entry in
            entry.segments.count == parts.count
                && zip(entry.segments, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }

    /// The methods `path` answers; empty for an unknown path.
    func methods(_ path: String) -> [HTTPRequest.Method] { entry(path)?.methods ?? [] }

    /// Whether a browser reads `path` as a dashboard page.
    func isPage(_ path: String) -> Bool { entry(path)?.isPage ?? false }
}
