import CarbonCore
import Hummingbird

/// HTTP for roles: decode, call the service, encode.
struct RoleController {
    let service: RoleService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/roles", access: .permission(.rolesRead), tag: "roles",
                   summary: "Built-in roles and the custom roles usable in the caller's organisations",
                   response: .array(RoleRecord.schema)) { _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/roles", access: .permission(.rolesCreate), tag: "roles",
                   summary: "Create a custom role from catalogue permissions the caller holds there",
                   request: RoleCreate.schema, response: RoleRecord.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(RoleCreate.self, from: request, context: context, limit: 65536)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/roles/:id", access: .permission(.rolesRead), tag: "roles", summary: "One role",
                   response: RoleRecord.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/roles/:id", access: .permission(.rolesUpdate), tag: "roles",
                   summary: "Rename a custom role or change its description or permissions", request: RoleUpdate.schema,
                   response: RoleRecord.schema) { request, context in
            let body = try await JSONBody.decode(RoleUpdate.self, from: request, context: context, limit: 65536)
            return JSONReply(try await service.update(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/roles/:id", access: .permission(.rolesDelete), tag: "roles",
                   summary: "Delete a custom role that nobody holds", status: 204) { _, context in
            try await service.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                     context: context)
            return Response(status: .noContent)
        }
    }
}
