import CarbonCore
import HTTPTypes
import Hummingbird
import Logging

/// Who may call a route. Every route declares one; there is no default, so a new route cannot be
/// public by accident (the allow-list test compares `.publicRoute` routes with a named list).
enum RouteAccess: Sendable, Equatable {
    /// No credentials: login, registration, health, readiness, the OpenAPI document.
    case publicRoute
    /// Any authenticated person (e.g. their own profile, logout, their permissions).
    case user
    /// A person who holds `permission` somewhere; the service checks the object's organisation.
    case permission(Permission)
    /// An edge agent's credential with `permission` (ingest); people are refused.
    case agent(Permission)
}

/// What the route table knows of one route: the OpenAPI document and the isolation test walk it.
struct RouteSpec: Sendable {
    let method: HTTPRequest.Method
    /// Hummingbird syntax (`/api/v1/organisations/:id`).
    let path: String
    let access: RouteAccess
    let summary: String
    let tag: String
    let requestSchema: JSONSchema?
    let responseSchema: JSONSchema?
    let successStatus: Int
    /// Error statuses this route answers beyond the ones every route of its kind may give.
    let extraErrors: [Int]
    /// The query parameters the handler accepts (documented in /openapi.json). A route that
    /// declares some refuses any other with a 422 naming it, so what a handler accepts and what
    /// the document says cannot drift apart unnoticed.
    var query: [QueryParameter] = []
    /// Other media types the body may have besides JSON (`text/csv` for imports), with their schema.
    var otherBodies: [String: JSONSchema] = [:]

    /// OpenAPI syntax (`/api/v1/organisations/{id}`).
    var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    var parameters: [String] { path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) } }
}

/// Adds routes to the router and records their specs. Every non-public handler is wrapped so that
/// authentication and the coarse permission check happen before it runs; object-level checks
/// (which organisation owns the object) happen in the services through `AccessScope`.
final class RouteRegistry {
    let router: Router<AppRequestContext>
    private let authenticator: Authenticator
    private let auditor: Auditor
    private(set) var specs: [RouteSpec] = []
    /// Shared with `MethodNotAllowedMiddleware`, which answers 405 for a known path.
    let patterns = RoutePatterns()

    init(router: Router<AppRequestContext>, authenticator: Authenticator, auditor: Auditor) {
        self.router = router
        self.authenticator = authenticator
        self.auditor = auditor
    }

    func add<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, access: RouteAccess, tag: String, summary: String,
        request: JSONSchema? = nil, response: JSONSchema? = nil, status: Int = 200, errors: [Int] = [],
        query: [QueryParameter] = [], otherBodies: [String: JSONSchema] = [:],
        bodyLimit: Int? = nil, checksBodyItself: Bool = false,
        handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        specs.append(RouteSpec(method: method, path: path, access: access, summary: summary, tag: tag,
                               requestSchema: request, responseSchema: response, successStatus: status,
                               extraErrors: errors, query: query, otherBodies: otherBodies))
        patterns.add(method: method, path: path)
        let authenticator = self.authenticator
        let auditor = self.auditor
        // Agents' routes read their own wire formats (gzip, a fast reader) and check them whole.
        // So do routes whose handler reports every bad item at once (bulk bindings).
        let bodySchema: JSONSchema? = if case .agent = access { nil } else if checksBodyItself { nil } else { request }
        router.on(RouterPath(path), method: method) { request, context -> Response in
            var context = context
            var request = request
            if access != .publicRoute {
                let principal = try await authenticator.authenticate(request, context: context)
                context.principal = principal
                context.logger[metadataKey: LogKey.principal] = .string(principal.id)
                if let refusal = Self.refusal(for: principal, access: access) {
                    try await auditor.record(.denial(action: "\(method.rawValue) \(path)", reason: refusal.message),
                                             context: context)
                    throw refusal
                }
            }
            if !query.isEmpty {
                try QueryParameter.refuseUndeclared(request.uri.queryParameters.map { String($0.key) }, declared: query)
                try SchemaValidation.checkQuery(request, declared: query)
            }
            if let bodySchema {
                request = try await SchemaValidation.checkBody(request, schema: bodySchema, limit: bodyLimit)
            }
            do {
                return try await handler(request, context).response(from: request, context: context)
            } catch let error as APIError where error.deniedBecause != nil {
                // Every permission denial is audited, object-level ones included.
                try? await auditor.record(.denial(action: "\(method.rawValue) \(path)", reason: error.deniedBecause ?? ""),
                                          context: context)
                throw error
            }
        }
    }

    /// The route-level decision: right kind of principal, and the permission held somewhere.
    private static func refusal(for principal: Principal, access: RouteAccess) -> APIError? {
        switch access {
        case .publicRoute:
            return nil
        case .user:
            return principal.kind == .user ? nil : .forbidden("this route is for people, not agents")
        case .permission(let permission):
            guard principal.kind == .user else { return .forbidden("this route is for people, not agents") }
            return principal.holdsAnywhere(permission) ? nil : .forbidden("permission '\(permission)' is required")
        case .agent(let permission):
            guard principal.kind == .agent else { return .forbidden("this route is for edge agents") }
            return principal.holdsAnywhere(permission) ? nil : .forbidden("permission '\(permission)' is required")
        }
    }

    var catalogue: RouteCatalogue { RouteCatalogue(specs: specs) }
}

/// The finished route table, shared read-only with the OpenAPI route and the tests.
struct RouteCatalogue: Sendable {
    let specs: [RouteSpec]
    var publicRoutes: [RouteSpec] { specs.filter { $0.access == .publicRoute } }
}

/// One documented query parameter of a route.
struct QueryParameter: Sendable {
    let name: String
    let schema: JSONSchema
    var required = false
    var description: String? = nil

    init(_ name: String, _ schema: JSONSchema, required: Bool = false, _ description: String? = nil) {
        self.name = name
        self.schema = schema
        self.required = required
        self.description = description
    }

    /// 422 for the first parameter the route does not declare.
    static func refuseUndeclared(_ names: [String], declared: [QueryParameter]) throws {
        let known = declared.map(\.name)
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw APIError(.unprocessableContent, "unknown_parameter",
                           "unknown query parameter '\(unknown)'; accepted: \(known.joined(separator: ", "))",
                           field: unknown)
        }
    }

    /// ISO 8601 times as the history and audit parsers accept them.
    static let time = JSONSchema.string(format: "date-time")
    static let uuid = JSONSchema.uuid
}
