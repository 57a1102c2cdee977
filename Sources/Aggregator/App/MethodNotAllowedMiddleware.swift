import HTTPTypes
import Hummingbird
import Synchronization

/// The paths the router knows, with their methods, so a request for a known path with another
/// method gets 405 and an `Allow` header (RFC 9110 §15.5.6) instead of a misleading 404.
final class RoutePatterns: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func add(method: HTTPRequest.Method, path: String) {
        entries.withLock { $0.append((method, path.split(separator: "/"))) }
    }

    /// Methods registered for patterns matching `path` (`:name` segments match anything).
    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        return entries.withLock { entries in
            entries.filter { entry in
                entry.segments.count == segments.count
                    && zip(entry.segments, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }.map(\.method)
        }
    }
}

struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let patterns: RoutePatterns

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = patterns.methods(matching: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var response = try APIError(.methodNotAllowed, "method_not_allowed",
                                        "\(request.method.rawValue) is not allowed here")
                .response(requestID: context.requestID)
            response.headers[.allow] = Set(allowed.map(\.rawValue)).sorted().joined(separator: ", ")
            return response
        }
    }
}
