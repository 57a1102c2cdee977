import CarbonCore
import Hummingbird

/// HTTP for user accounts and the caller's own password: decode, call the services, encode.
struct UserController {
    let users: UserService
    let lifecycle: AccountLifecycleService
    let scopes: ScopeFactory

    init(dependencies: AppDependencies, auditor: Auditor, scopes: ScopeFactory) {
        let database = dependencies.database, clock = dependencies.clock, hasher = dependencies.passwordHasher
        users = UserService(database: database, auditor: auditor, clock: clock, hasher: hasher)
        lifecycle = AccountLifecycleService(database: database, auditor: auditor, clock: clock, hasher: hasher,
                                            throttle: LoginThrottle(settings: dependencies.throttle))
        self.scopes = scopes
    }

    func register(in routes: RouteRegistry) {
        let users = self.users, lifecycle = self.lifecycle, scopes = self.scopes
        routes.add(.get, "/api/v1/users", access: .permission(.usersRead), tag: "users",
                   summary: "Users of the caller's organisations and registrations asking to join them (?status=, ?q=)",
                   response: .array(UserDetail.schema),
                   query: [QueryParameter("status", .string(values: UserStatus.all)),
                           QueryParameter("q", .string(maxLength: 200), "part of a username or display name")]) {
            request, context in
            let parameters = request.uri.queryParameters
            return JSONReply(try await users.list(
                status: parameters.get("status"), query: parameters.get("q"),
                scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/users", access: .permission(.usersCreate), tag: "users",
                   summary: "Create an active user with a password and a first membership", request: UserCreate.schema,
                   response: UserDetail.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(UserCreate.self, from: request, context: context, limit: 16384)
            return JSONReply(try await users.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/users/:id", access: .permission(.usersRead), tag: "users", summary: "One user",
                   response: UserDetail.schema) { _, context in
            JSONReply(try await users.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                          context: context))
        }
        routes.add(.patch, "/api/v1/users/:id", access: .permission(.usersUpdate), tag: "users",
                   summary: "Change a user's display name or e-mail address", request: UserUpdate.schema,
                   response: UserDetail.schema) { request, context in
            let body = try await JSONBody.decode(UserUpdate.self, from: request, context: context, limit: 16384)
            return JSONReply(try await users.update(try context.parameters.require("id"), body,
                                                    scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/users/:id/approve", access: .permission(.usersApprove), tag: "users",
                   summary: "Approve a pending registration with roles at an organisation", request: UserApproval.schema,
                   response: UserDetail.schema) { request, context in
            let body = try await JSONBody.decode(UserApproval.self, from: request, context: context, limit: 16384)
            return JSONReply(try await lifecycle.approve(try context.parameters.require("id"), body,
                                                         scope: try await scopes.scope(for: context), context: context))
        }
        let transitions: [(String, Permission, String, @Sendable (String, AccessScope, AppRequestContext) async throws -> UserDetail)] = [
            ("reject", .usersApprove, "Reject a pending registration", { try await lifecycle.reject($0, scope: $1, context: $2) }),
            ("disable", .usersDisable, "Disable an account and end its sessions",
             { try await lifecycle.disable($0, scope: $1, context: $2) }),
            ("enable", .usersDisable, "Enable a disabled account", { try await lifecycle.enable($0, scope: $1, context: $2) }),
        ]
        for (verb, permission, summary, action) in transitions {
            routes.add(.post, "/api/v1/users/:id/\(verb)", access: .permission(permission), tag: "users", summary: summary,
                       response: UserDetail.schema) { _, context in
                JSONReply(try await action(try context.parameters.require("id"), try await scopes.scope(for: context), context))
            }
        }
        routes.add(.post, "/api/v1/users/:id/password", access: .permission(.usersResetPassword), tag: "users",
                   summary: "Set a user's password and end their sessions", request: PasswordReset.schema,
                   status: 204) { request, context in
            let body = try await JSONBody.decode(PasswordReset.self, from: request, context: context, limit: 8192)
            try await lifecycle.resetPassword(try context.parameters.require("id"), body,
                                              scope: try await scopes.scope(for: context), context: context)
            return Response(status: .noContent)
        }
        routes.add(.post, "/api/v1/me/password", access: .user, tag: "me",
                   summary: "Change your own password; your other sessions end", request: PasswordChange.schema,
                   status: 204) { request, context in
            let body = try await JSONBody.decode(PasswordChange.self, from: request, context: context, limit: 8192)
            try await lifecycle.changeOwnPassword(body, context: context)
            return Response(status: .noContent)
        }
    }
}
