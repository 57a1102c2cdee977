import CarbonCore
import Hummingbird

/// HTTP for ABAC policies: decode (CarbonCore's strict reader), call the service, encode.
struct PolicyController {
    let service: PolicyService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/policies", access: .permission(.policiesRead), tag: "policies",
                   summary: "The access policies owned in the caller's organisations", response: .array(PolicyRecord.schema)) {
            _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/policies", access: .permission(.policiesCreate), tag: "policies",
                   summary: "Add an access policy that applies within an organisation's subtree",
                   request: PolicyCreate.schema, response: PolicyRecord.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(PolicyCreate.self, from: request, context: context, limit: 65536)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/policies/:id", access: .permission(.policiesRead), tag: "policies",
                   summary: "One access policy", response: PolicyRecord.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.put, "/api/v1/policies/:id", access: .permission(.policiesUpdate), tag: "policies",
                   summary: "Replace an access policy's document", request: PolicyReplace.schema,
                   response: PolicyRecord.schema) { request, context in
            let body = try await JSONBody.decode(PolicyReplace.self, from: request, context: context, limit: 65536)
            return JSONReply(try await service.replace(try context.parameters.require("id"), body,
                                                       scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/policies/:id", access: .permission(.policiesDelete), tag: "policies",
                   summary: "Delete an access policy", status: 204) { _, context in
            try await service.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                     context: context)
            return Response(status: .noContent)
        }
    }
}
