import CarbonCore
import Hummingbird

/// HTTP for memberships: an organisation's members, and bulk bind/unbind from JSON or CSV.
struct MembershipController {
    let service: MembershipService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/organisations/:id/members", access: .user, tag: "memberships",
                   summary: "Who holds which role at an organisation (memberships:bind or users:read there)",
                   response: .array(Member.schema)) { _, context in
            JSONReply(try await service.members(of: try context.parameters.require("id"),
                                                       scope: try await scopes.scope(for: context), context: context))
        }
        for (mode, verb, permission, schema) in [
            (BulkReply.Mode.bind, "bind", Permission.membershipsBind, BulkReply.bindSchema),
            (BulkReply.Mode.unbind, "unbind", Permission.membershipsUnbind, BulkReply.unbindSchema),
        ] {
            routes.add(.post, "/api/v1/memberships/\(verb)", access: .permission(permission), tag: "memberships",
                       summary: "\(verb == "bind" ? "Give" : "Take away") roles at organisations, all or nothing "
                           + "(JSON items, or text/csv with header username,organisation_id,role; at most 10,000)",
                       request: BulkItem.requestSchema, response: schema, checksBodyItself: true) {
                request, context -> Response in
                let scope = try await scopes.scope(for: context)
                switch try await BulkInput.read(request, context: context) {
                case .refused(let entry):
                    return try BulkFailure(message: entry.message ?? "the file cannot be read; nothing was changed",
                                           report: [entry]).response(from: request, context: context)
                case .items(let items):
                    switch try await service.apply(mode, items, scope: scope, context: context) {
                    case .done(let reply):
                        return try JSONReply(reply).response(from: request, context: context)
                    case .refused(let message, let report):
                        return try BulkFailure(message: message, report: report).response(from: request, context: context)
                    }
                }
            }
        }
    }
}
