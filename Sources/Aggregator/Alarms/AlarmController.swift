import CarbonCore
import Foundation
import Hummingbird

/// HTTP for central alarms: agent transitions in, people's lists, history and actions. Decode,
/// call the service, encode; the rules are in the services.
struct AlarmController {
    let ingest: AlarmEventIngest
    let service: CentralAlarmService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let ingest = self.ingest, service = self.service, scopes = self.scopes
        routes.add(.post, "/api/v1/ingest/alarm-events", access: .agent(.ingestWrite), tag: "alarms",
                   summary: "Deliver an agent's alarm transitions (exactly once by agent, store epoch and id)",
                   request: AlarmEventBatchSchema.schema, response: AlarmEventBatchSchema.reply, errors: [409]) {
            request, context in
            let bytes = try await IngestBody.read(request)
            return JSONReply(try await ingest.ingest(try AlarmEventIngest.decode(bytes), context: context))
        }
        routes.add(.get, "/api/v1/alarms", access: .permission(.alarmsRead), tag: "alarms",
                   summary: "Current alarms in the caller's subtree; filters: organisation_id, site_id, state, priority, "
                       + "tag, kind, from, to (since), limit", response: .array(CentralAlarm.schema),
                   query: AlarmQuery.parameters(.alarms)) { request, context in
            let query = try AlarmQuery(parameters: Self.pairs(request), target: .alarms)
            return JSONReply(try await service.list(query, scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/alarms/:id", access: .permission(.alarmsRead), tag: "alarms",
                   summary: "One alarm with its history and comments", response: CentralAlarmDetail.schema) {
            _, context in
            JSONReply(try await service.get(try context.parameters.require("id"), scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/alarms/:id/ack", access: .permission(.alarmsAck), tag: "alarms",
                   summary: "Acknowledge an alarm (409 when there is nothing to acknowledge)", request: AlarmAckBody.schema,
                   response: CentralAlarm.schema, errors: [409]) { request, context in
            let body = try await JSONBody.decode(AlarmAckBody.self, from: request, context: context)
            return JSONReply(try await service.acknowledge(try context.parameters.require("id"), body,
                                                           scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/alarms/:id/shelve", access: .permission(.alarmsShelve), tag: "alarms",
                   summary: "Shelve an alarm until a time at most 30 days ahead", request: AlarmShelveBody.schema,
                   response: CentralAlarm.schema, errors: [409]) { request, context in
            let body = try await JSONBody.decode(AlarmShelveBody.self, from: request, context: context)
            return JSONReply(try await service.shelve(try context.parameters.require("id"), body,
                                                      scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/alarms/:id/unshelve", access: .permission(.alarmsShelve), tag: "alarms",
                   summary: "Unshelve an alarm (409 when it is not shelved)", request: AlarmAckBody.schema,
                   response: CentralAlarm.schema, errors: [409]) { request, context in
            let body = try await JSONBody.decode(AlarmAckBody.self, from: request, context: context)
            return JSONReply(try await service.unshelve(try context.parameters.require("id"), body,
                                                        scope: try await scopes.scope(for: context), context: context))
        }
        routes.add(.post, "/api/v1/alarms/:id/comments", access: .permission(.alarmsComment), tag: "alarms",
                   summary: "Comment on an alarm", request: AlarmCommentBody.schema, response: AlarmEventRecord.schema,
                   status: 201) { request, context in
            let body = try await JSONBody.decode(AlarmCommentBody.self, from: request, context: context)
            return JSONReply(try await service.comment(try context.parameters.require("id"), body,
                                                       scope: try await scopes.scope(for: context), context: context),
                             status: .created)
        }
        routes.add(.get, "/api/v1/alarm-events", access: .permission(.alarmsRead), tag: "alarms",
                   summary: "Search alarm history in the caller's subtree; filters: organisation_id, site_id, alarm_id, "
                       + "state (to), tag, kind, operator, from, to, limit", response: .array(AlarmEventRecord.schema),
                   query: AlarmQuery.parameters(.events)) {
            request, context in
            let query = try AlarmQuery(parameters: Self.pairs(request), target: .events)
            return JSONReply(try await service.events(query, scope: try await scopes.scope(for: context)))
        }
    }

    static func pairs(_ request: Request) -> [(key: String, value: String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

/// Wires central alarms into the route table (one line in `buildRouter`).
struct AlarmModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        AlarmController(ingest: AlarmEventIngest(database: database, auditor: auditor, clock: clock),
                        service: CentralAlarmService(database: database, auditor: auditor, clock: clock),
                        scopes: ScopeFactory(database: database, clock: clock))
            .register(in: routes)
    }
}
