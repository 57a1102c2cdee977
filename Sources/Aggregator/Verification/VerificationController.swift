import HTTPTypes
import CarbonCore
import Hummingbird

/// HTTP for verification plans and their process records: decode, call the service, encode.
struct VerificationController {
    let service: VerificationService
    let scopes: ScopeFactory

    func register(in routes: RouteRegistry) {
        let service = self.service, scopes = self.scopes
        routes.add(.get, "/api/v1/verification/plans", access: .permission(.verificationRead), tag: "verification",
                   summary: "List the verification plans the caller may see",
                   response: .array(VerificationPlan.schema)) { _, context in
            JSONReply(try await service.listPlans(scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/verification/plans", access: .permission(.verificationCreate), tag: "verification",
                   summary: "Plan a verification: subject, scope, method, schedule and verifier team",
                   request: VerificationPlanCreate.schema, response: VerificationPlan.schema, status: 201) {
            request, context in
            let body = try await JSONBody.decode(VerificationPlanCreate.self, from: request, context: context)
            return JSONReply(try await service.createPlan(body, scope: try await scopes.scope(for: context),
                                                          context: context), status: .created)
        }
        routes.add(.get, "/api/v1/verification/plans/:id", access: .permission(.verificationRead), tag: "verification",
                   summary: "One verification plan", response: VerificationPlan.schema) { _, context in
            JSONReply(try await service.plan(try context.parameters.require("id"),
                                             scope: try await scopes.scope(for: context)))
        }
        routes.add(.get, "/api/v1/verification/plans/:id/records", access: .permission(.verificationRead),
                   tag: "verification", summary: "The plan's process records: data collection, site checks, findings",
                   response: .array(VerificationRecord.schema)) { _, context in
            JSONReply(try await service.records(planID: try context.parameters.require("id"),
                                                scope: try await scopes.scope(for: context)))
        }
        routes.add(.post, "/api/v1/verification/plans/:id/records", access: .permission(.verificationReview),
                   tag: "verification", summary: "Record a data collection step, a site check or a validation finding",
                   request: VerificationRecordCreate.schema, response: VerificationRecord.schema, status: 201) {
            request, context in
            let planID = try context.parameters.require("id")
            let scope = try await scopes.scope(for: context)
            _ = try await service.plan(planID, scope: scope)  // an unknown plan is 404 before the body is judged
            let body = try await JSONBody.decode(VerificationRecordCreate.self, from: request, context: context)
            return JSONReply(try await service.addRecord(planID: planID, body, scope: scope, context: context),
                             status: .created)
        }
        routes.add(.patch, "/api/v1/verification/records/:id", access: .permission(.verificationReview),
                   tag: "verification", summary: "Set a finding's resolution status (open, resolved, accepted)",
                   request: VerificationRecordUpdate.schema, response: VerificationRecord.schema) { request, context in
            let body = try await JSONBody.decode(VerificationRecordUpdate.self, from: request, context: context)
            return JSONReply(try await service.resolve(recordID: try context.parameters.require("id"), body,
                                                       scope: try await scopes.scope(for: context), context: context))
        }
    }
}
