import CarbonCore
import Foundation
import Hummingbird

/// HTTP for regional accounting (M4): accounts holding a CarbonCore regional model, and their
/// calculated versions. Decode, call the service, encode.
struct RegionalController {
    let service: RegionalService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/regional-accounts", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "Regional accounts the caller may see", response: .array(RegionalAccount.schema)) { _, context in
            JSONReply(try await service.list(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/regional-accounts", access: .permission(.inventoriesCreate), tag: "accounting",
                   summary: "Create a regional account from a CarbonCore regional model (422 naming the model field)",
                   request: RegionalAccountCreate.schema, response: RegionalAccount.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(RegionalAccountCreate.self, from: request, context: context)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/regional-accounts/:id", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "One regional account with its model", response: RegionalAccount.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/regional-accounts/:id/calculate", access: .permission(.inventoriesCalculate),
                   tag: "accounting",
                   summary: "Calculate the account: a new immutable version unless the latest has the same input hash",
                   response: RegionalVersion.schema) { _, context in
            JSONReply(try await service.calculate(try context.parameters.require("id"),
                                                  scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/regional-accounts/:id/versions", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "The account's versions (summaries)", response: .array(RegionalVersion.summarySchema)) { _, context in
            JSONReply(try await service.versions(try context.parameters.require("id"),
                                                 scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/regional-accounts/:id/versions/:number", access: .permission(.inventoriesRead),
                   tag: "accounting", summary: "One version: the model as calculated and CarbonCore's full result",
                   response: RegionalVersion.schema) { _, context in
            JSONReply(try await service.version(try context.parameters.require("id"), try context.parameters.require("number"),
                                                scope: try await scopes.scope(for: context)))
        }
    }
}

/// Wires regional accounting into the route table.
struct RegionalModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        RegionalController(service: RegionalService(database: database, auditor: auditor, clock: clock),
                           scopes: ScopeFactory(database: database, clock: clock)).register(in: routes)
    }
}
