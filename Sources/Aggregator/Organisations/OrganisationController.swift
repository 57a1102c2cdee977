import CarbonCore
import Hummingbird

/// HTTP for the organisation tree: decode, call the service, encode. No SQL, no rules.
struct OrganisationController {
    let service: OrganisationService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/organisations", access: .permission(.organisationsRead), tag: "organisations",
                   summary: "List the organisations the caller may see", response: .array(Organisation.schema)) {
            _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/organisations", access: .permission(.organisationsCreate), tag: "organisations",
                   summary: "Create an organisation under a parent", request: OrganisationCreate.schema,
                   response: Organisation.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(OrganisationCreate.self, from: request, context: context)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/organisations/:id", access: .permission(.organisationsRead), tag: "organisations",
                   summary: "One organisation", response: Organisation.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/organisations/:id", access: .permission(.organisationsUpdate), tag: "organisations",
                   summary: "Rename an organisation or change its kind or time zone", request: OrganisationUpdate.schema,
                   response: Organisation.schema) { request, context in
            let body = try await JSONBody.decode(OrganisationUpdate.self, from: request, context: context)
            return JSONReply(try await service.update(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/organisations/:id", access: .permission(.organisationsDelete), tag: "organisations",
                   summary: "Delete an organisation that owns nothing", status: 204) { _, context in
            try await service.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                     context: context)
            return Response(status: .noContent)
        }
        routes.add(.post, "/api/v1/organisations/:id/move", access: .permission(.organisationsMove), tag: "organisations",
                   summary: "Move an organisation (and its subtree) under another parent", request: OrganisationMove.schema,
                   response: Organisation.schema) { request, context in
            let body = try await JSONBody.decode(OrganisationMove.self, from: request, context: context)
            return JSONReply(try await service.move(try context.parameters.require("id"), body,
                                                    scope: try await scopes.scope(for: context), context: context))
        }
    }
}
