import CarbonCore
import Hummingbird

/// HTTP for server-side alarm rules: decode, call the service, encode.
struct AlarmRuleController {
    let service: AlarmRuleService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/alarm-rules", access: .permission(.alarmsRead), tag: "alarms",
                   summary: "Server-side alarm rules in the caller's subtree; filters: organisation_id, series_id, enabled",
                   response: .array(AlarmRuleRecord.schema), query: AlarmRuleService.parameters) { request, context in
            JSONReply(try await service.list(AlarmController.pairs(request), scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/alarm-rules", access: .permission(.alarmsConfigure), tag: "alarms",
                   summary: "Create an alarm rule on a site's series (aggregate over the hour or the site's day)",
                   request: AlarmRuleCreate.schema, response: AlarmRuleRecord.schema, status: 201) { request, context in
            let body = try await JSONBody.decode(AlarmRuleCreate.self, from: request, context: context)
            return JSONReply(try await service.create(body, scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/alarm-rules/:id", access: .permission(.alarmsRead), tag: "alarms",
                   summary: "One alarm rule", response: AlarmRuleRecord.schema) { _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.patch, "/api/v1/alarm-rules/:id", access: .permission(.alarmsConfigure), tag: "alarms",
                   summary: "Change an alarm rule's name, figure, limits, deadband or enabled flag",
                   request: AlarmRuleUpdate.schema, response: AlarmRuleRecord.schema) { request, context in
            let body = try await JSONBody.decode(AlarmRuleUpdate.self, from: request, context: context)
            return JSONReply(try await service.update(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.delete, "/api/v1/alarm-rules/:id", access: .permission(.alarmsConfigure), tag: "alarms",
                   summary: "Delete an alarm rule (its alarms and their history stay)", status: 204) { _, context in
            try await service.delete(try context.parameters.require("id"), scope: try await scopes.scope(for: context),
                                     context: context)
            return Response(status: .noContent)
        }
    }
}

/// Wires alarm rules into the route table (one line in `buildRouter`).
struct AlarmRuleModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        AlarmRuleController(service: AlarmRuleService(database: database, auditor: auditor, clock: clock),
                            scopes: ScopeFactory(database: database, clock: clock))
            .register(in: routes)
    }
}
