import CarbonCore
import Foundation
import Hummingbird

/// HTTP for edge agents and their credentials, and the agents' own `whoami`.
struct AgentController {
    let service: AgentService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/agents", access: .permission(.agentsRead), tag: "agents",
                   summary: "List the edge agents of the caller's sites", response: .array(Agent.schema)) { _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/agents", access: .permission(.agentsCreate), tag: "agents",
                   summary: "Register an edge agent at a site; the reply holds its first token (shown only here)",
                   request: AgentCreate.schema, response: AgentCreated.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(AgentCreate.self, from: request, context: context, limit: 8_192)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/agents/:id", access: .permission(.agentsRead), tag: "agents", summary: "One edge agent",
                   response: Agent.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/agents/:id/credentials", access: .permission(.agentsRotate), tag: "agents",
                   summary: "Issue a new token; earlier ones keep working for overlap_seconds (default 86400)",
                   request: CredentialRotation.schema, response: IssuedCredential.schema, status: 201) {
            request, context in
            // An empty body means the default overlap.
            let bytes = try await JSONBody.collect(request, limit: 8_192)
            let body = bytes.readableBytes == 0
                ? CredentialRotation(overlapSeconds: nil)
                : try JSONBody.decode(CredentialRotation.self, from: Data(bytes.readableBytesView))
            return JSONReply(try await service.rotate(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/agents/:id/credentials", access: .permission(.agentsRead), tag: "agents",
                   summary: "The agent's credentials (metadata only; the read is audited)",
                   response: .array(AgentCredential.schema)) { _, context in
            JSONReply(try await service.credentials(try context.parameters.require("id"),
                                                    scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/agents/:id/credentials/:credential", access: .permission(.agentsRevoke),
                   tag: "agents", summary: "Revoke one credential at once", status: 204) { _, context in
            try await service.revoke(try context.parameters.require("id"),
                                     credential: try context.parameters.require("credential"),
                                     scope: try await scopes.scope(for: context), context: context)
            return Response(status: .noContent)
        }
        routes.add(.post, "/api/v1/agents/:id/disable", access: .permission(.agentsRevoke), tag: "agents",
                   summary: "Disable an agent and revoke all its credentials", response: Agent.schema) { _, context in
            JSONReply(try await service.disable(try context.parameters.require("id"),
                                                scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/agent/whoami", access: .agent(.sitesRead), tag: "agents",
                   summary: "For edge agents: the agent and site the credential stands for",
                   response: AgentIdentity.schema) { _, context in
            JSONReply(try await service.identity(context: context))
        }
    }
}
