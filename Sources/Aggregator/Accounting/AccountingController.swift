import CarbonCore
import Foundation
import Hummingbird

/// HTTP for accounting: tag mappings, inventories and their versions, emission factors. Decode,
/// call the service, encode; the rules live in the services.
struct AccountingController {
    let mappings: MappingService
    let inventories: InventoryService
    let calculations: InventoryCalculationService
    let factors: FactorService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let mappings = self.mappings, inventories = self.inventories, calculations = self.calculations
        let factors = self.factors, scopes = self.scopes
        routes.add(.get, "/api/v1/inventory-mappings", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "Tag → source mappings the caller may see; filter: organisation_id",
                   response: .array(TagMapping.schema), query: [QueryParameter("organisation_id", .uuid)]) { request, context in
            let filters = try Self.filters(request)
            return JSONReply(try await mappings.list(organisationID: filters["organisation_id"],
                                                     scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/inventory-mappings", access: .permission(.inventoriesCreate), tag: "accounting",
                   summary: "Map a series to a source's activity, or a concentration and a flow series to a CEMS source",
                   request: TagMappingCreate.schema, response: TagMapping.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(TagMappingCreate.self, from: request, context: context)
            return JSONReply(try await mappings.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.delete, "/api/v1/inventory-mappings/:id", access: .permission(.inventoriesCreate), tag: "accounting",
                   summary: "Remove a mapping (versions already calculated keep their inputs)", status: 204) { _, context in
            try await mappings.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                      context: context)
            return Response(status: .noContent)
        }
        routes.add(.get, "/api/v1/inventories", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "Inventories the caller may see; filters: organisation_id, year",
                   response: .array(Inventory.schema),
                   query: [QueryParameter("organisation_id", .uuid), QueryParameter("year", .integer(minimum: 1900, maximum: 2200))]) {
            request, context in
            let filters = try Self.filters(request)
            let year = filters["year"].flatMap { Int($0) }  // an integer in 1900…2200 by the route's schema
            return JSONReply(try await inventories.list(organisationID: filters["organisation_id"], year: year,
                                                        scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/inventories", access: .permission(.inventoriesCreate), tag: "accounting",
                   summary: "Start an inventory: organisation, reporting year or period, manual sources, production",
                   request: InventoryCreate.schema, response: Inventory.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(InventoryCreate.self, from: request, context: context)
            return JSONReply(try await inventories.create(body, scope: try await scopes.scope(for: context),
                                                          context: context), status: .created)
        }
        routes.add(.get, "/api/v1/inventories/:id", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "One inventory's draft inputs", response: Inventory.schema) { _, context in
            JSONReply(try await inventories.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/inventories/:id", access: .permission(.inventoriesCreate), tag: "accounting",
                   summary: "Edit the draft inputs (versions already calculated do not change)",
                   request: InventoryUpdate.schema, response: Inventory.schema) { request, context in
            let body = try await JSONBody.decode(InventoryUpdate.self, from: request, context: context)
            return JSONReply(try await inventories.update(try context.parameters.require("id"), body,
                                                          scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/inventories/:id/activity-import", access: .permission(.inventoriesCreate),
                   tag: "accounting", summary: "Import manual activity data (JSON rows, or CSV source_id,value,unit)",
                   request: ActivityRows.schema, response: ActivityImportReport.schema) { request, context in
            let rows: ActivityRows
            if request.headers[.contentType]?.hasPrefix("text/csv") == true {
                let buffer = try await JSONBody.collect(request, limit: JSONBody.defaultLimit)
                rows = try ActivityRows.csv(String(buffer: buffer))
            } else {
                rows = try await JSONBody.decode(ActivityRows.self, from: request, context: context)
            }
            return JSONReply(try await inventories.importActivity(try context.parameters.require("id"), rows,
                                                                  scope: try await scopes.scope(for: context),
                                                                  context: context))
        }
        routes.add(.post, "/api/v1/inventories/:id/calculate", access: .permission(.inventoriesCalculate),
                   tag: "accounting",
                   summary: "Resolve telemetry and manual data, calculate, and store a version (the existing one if nothing changed)",
                   response: CalculationReply.schema) { _, context in
            JSONReply(try await calculations.calculate(try context.parameters.require("id"),
                                                       scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/inventories/:id/versions", access: .permission(.inventoriesRead), tag: "accounting",
                   summary: "An inventory's versions, oldest first", response: .array(InventoryVersionSummary.schema)) {
            _, context in
            JSONReply(try await calculations.versions(try context.parameters.require("id"),
                                                      scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/inventories/:id/versions/:number", access: .permission(.inventoriesRead),
                   tag: "accounting", summary: "One version: inputs as resolved, factors, full result with formula trails",
                   response: InventoryVersionDetail.schema) { _, context in
            JSONReply(try await calculations.version(try context.parameters.require("id"),
                                                     try context.parameters.require("number"),
                                                     scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/inventories/:id/versions/:number/approve", access: .permission(.inventoriesApprove),
                   tag: "accounting", summary: "Approve a version (by someone other than who calculated it); final",
                   response: InventoryVersionSummary.schema) { _, context in
            JSONReply(try await calculations.approve(try context.parameters.require("id"),
                                                     try context.parameters.require("number"),
                                                     scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.get, "/api/v1/factors", access: .permission(.factorsRead), tag: "accounting",
                   summary: "Emission factors: fuel, category, parameter, gas, region, scope, year; organisation_id adds its own",
                   response: .array(FactorView.schema),
                   query: FactorService.queryKeys.map { key in
                       switch key {
                       case "organisation_id": QueryParameter(key, .uuid)
                       case "year": QueryParameter(key, .integer(minimum: 1900, maximum: 2200))
                       default: QueryParameter(key, .string(maxLength: 200))
                       }
                   }) { request, context in
            JSONReply(try await factors.list(HistoryQuery.pairs(request.uri.queryParameters),
                                             scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/factors", access: .permission(.factorsCreate), tag: "accounting",
                   summary: "Add an organisation's own factor; its calculations use it over the default",
                   request: FactorCreate.schema, response: FactorView.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(FactorCreate.self, from: request, context: context)
            return JSONReply(try await factors.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
    }

    /// The declared parameters' values (the route table refused any other and checked their schemas;
    /// the UUID's shape is checked here, the schema's `format` is documentation only).
    static func filters(_ request: Request) throws -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in HistoryQuery.pairs(request.uri.queryParameters) {
            if key == "organisation_id" {
                guard UUIDText.isValid(value) else { throw APIError.invalidField(key, "'\(key)' must be a UUID") }
                values[key] = value.lowercased()
            } else {
                values[key] = value
            }
        }
        return values
    }
}

/// Wires accounting into the route table.
struct AccountingModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        let inventories = InventoryService(database: database, auditor: auditor, clock: clock)
        AccountingController(
            mappings: MappingService(database: database, auditor: auditor, clock: clock), inventories: inventories,
            calculations: InventoryCalculationService(database: database, auditor: auditor, clock: clock,
                                                      inventories: inventories),
            factors: FactorService(database: database, auditor: auditor, clock: clock),
            scopes: ScopeFactory(database: database, clock: clock)
        ).register(in: routes)
    }
}
