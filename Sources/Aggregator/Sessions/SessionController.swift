import CarbonCore
import Hummingbird

/// Public authentication routes and the caller's own profile and permissions.
struct SessionController {
    let service: SessionService
    let scopes: ScopeFactory
    let database: any Database

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes, database = self.database
        routes.add(.post, "/api/v1/auth/login", access: .publicRoute, tag: "auth", summary: "Log in; returns a session token",
                   request: LoginRequest.schema, response: LoginReply.schema, errors: [401], bodyLimit: 8192) { request, context in
            let body = try await JSONBody.decode(LoginRequest.self, from: request, context: context, limit: 8192)
            return JSONReply(try await service.login(body, context: context))
        }
        routes.add(.post, "/api/v1/auth/register", access: .publicRoute, tag: "auth",
                   summary: "Register; the account waits for an administrator's approval",
                   request: RegistrationRequest.schema, response: UserSummary.schema, status: 202, bodyLimit: 8192) { request, context in
            let body = try await JSONBody.decode(RegistrationRequest.self, from: request, context: context, limit: 8192)
            return JSONReply(try await service.register(body, context: context), status: .accepted)
        }
        routes.add(.post, "/api/v1/auth/logout", access: .user, tag: "auth", summary: "Revoke this session",
                   status: 204) { _, context in
            try await service.logout(context: context)
            return Response(status: .noContent)
        }
        routes.add(.get, "/api/v1/me", access: .user, tag: "me", summary: "The caller's profile and memberships",
                   response: MeReply.schema) { _, context in
            let principal = try context.requirePrincipal()
            return JSONReply(try await database.read { try MeReply.load(userID: principal.id, on: $0) })
        }
        routes.add(.get, "/api/v1/me/permissions", access: .user, tag: "me",
                   summary: "What the caller may do, per organisation (for hiding controls; the server still checks)",
                   response: PermissionsReply.schema) { _, context in
            let scope = try await scopes.scope(for: context)
            let organisations = try await database.read { connection in
                var parameters: [SQLValue] = []
                let filter = SubtreeFilter.clause(column: "path", prefixes: scope.principal.grants.map(\.organisation.text),
                                                  parameters: &parameters)
                return try connection.query("SELECT id, path, time_zone FROM organisations WHERE \(filter) ORDER BY path",
                                            parameters).map { try OrganisationRef(row: $0) }
            }
            return JSONReply(PermissionsReply(scope: scope, organisations: organisations))
        }
    }
}

struct MeReply: Encodable, Sendable {
    struct Membership: Encodable, Sendable {
        let organisationID: String
        let organisationName: String
        let role: String
        enum CodingKeys: String, CodingKey {
            case role
            case organisationID = "organisation_id"
            case organisationName = "organisation_name"
        }
    }
    let user: UserSummary
    let email: String?
    let memberships: [Membership]

    static let schema = JSONSchema.object(
        ["user": UserSummary.schema, "email": .nullable(.string()),
         "memberships": .array(.object(["organisation_id": .uuid, "organisation_name": .string(), "role": .string()],
                                       required: ["organisation_id", "organisation_name", "role"]))],
        required: ["user", "memberships"])

    static func load(userID: String, on connection: any SQLConnection) throws -> MeReply {
        guard let row = try connection.first("SELECT * FROM users WHERE id = $1", .text(userID)) else {
            throw APIError.notFound("user")
        }
        let memberships = try connection.query(
            """
            SELECT o.id, o.name, r.name AS role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
            JOIN roles r ON r.id = m.role_id WHERE m.user_id = $1 ORDER BY o.path, r.name
            """, .text(userID)
        ).map { Membership(organisationID: try $0.text("id"), organisationName: try $0.text("name"), role: try $0.text("role")) }
        return MeReply(user: try UserSummary(row: row), email: try row.optionalText("email"), memberships: memberships)
    }
}

struct PermissionsReply: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        let organisationID: String
        let permissions: [String]
        enum CodingKeys: String, CodingKey {
            case permissions
            case organisationID = "organisation_id"
        }
    }
    let organisations: [Entry]
    /// The union over every organisation: enough to decide whether to show a menu at all.
    let all: [String]

    static let schema = JSONSchema.object(
        ["organisations": .array(.object(["organisation_id": .uuid, "permissions": .array(.string())],
                                         required: ["organisation_id", "permissions"])),
         "all": .array(.string())],
        required: ["organisations", "all"])

    init(scope: AccessScope, organisations: [OrganisationRef]) {
        self.organisations = organisations.map { organisation in
            Entry(organisationID: organisation.id,
                  permissions: ((try? scope.engine(for: organisation.path))?
                      .permissions(of: scope.principal.subject, at: organisation.path) ?? [])
                      .map(\.description).sorted())
        }
        all = Array(Set(self.organisations.flatMap(\.permissions))).sorted()
    }
}
