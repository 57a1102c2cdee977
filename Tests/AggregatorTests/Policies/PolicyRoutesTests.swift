import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Aggregator

@Suite struct PolicyRoutesTests {
    static func officeHours(id: String = "ack-office-hours") -> [String: Any] {
        ["id": id, "description": "Operators acknowledge alarms only in office hours (site rule 7)", "effect": "deny",
         "permissions": ["alarms:ack"], "roles": ["operator"],
         "conditions": [["local_time": ["from": "18:00", "to": "08:00"]]]]
    }

    @Test(arguments: TestBackend.enabled)
    func aPolicyIsCreatedListedReplacedAndDeleted(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let created = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                body: ["organisation_id": t.siteA, "policy": Self.officeHours()])
            #expect(created.status == .created, "\(created.raw)")
            #expect(field(created.body, "policy", "conditions", "0", "local_time", "from") as? String == "18:00")
            let id = field(created.body, "id") as? String ?? ""
            #expect(ids(try await client.json(.get, "/api/v1/policies", token: t.aliceToken).body) == [id])
            var changed = Self.officeHours()
            changed["conditions"] = [["local_time": ["from": "20:00", "to": "06:00"]]]
            let replaced = try await client.json(.put, "/api/v1/policies/\(id)", token: t.aliceToken, body: ["policy": changed])
            #expect(replaced.status == .ok)
            #expect(field(replaced.body, "policy", "conditions", "0", "local_time", "from") as? String == "20:00")
            #expect(try await client.json(.delete, "/api/v1/policies/\(id)", token: t.aliceToken).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/policies/\(id)", token: t.aliceToken).status == .notFound)
            let actions = try await app.auditActions()
            #expect(actions.contains("policies.create") && actions.contains("policies.update") && actions.contains("policies.delete"))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func theStrictDecodersErrorsNameTheFieldAndNothingIsWritten(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            var number = Self.officeHours()
            number["effect"] = "permit"
            number["permissions"] = ["projects:approve"]
            number["conditions"] = [["amount": ["at_most": 10000]]]
            var typo = Self.officeHours()
            typo["efect"] = "deny"
            var time = Self.officeHours()
            time["conditions"] = [["local_time": ["from": "18:00", "to": "25:00"]]]
            var nothing = Self.officeHours()
            nothing["permissions"] = ["alarms:dance"]
            // Shape errors (a number for a decimal string, an unknown key) are the route schema's
            // (`invalid_field`); meaning errors (an impossible time, an unknown permission) the policy decoder's.
            let cases: [([String: Any], String, String)] = [
                (number, "policy.conditions[0].amount.at_most", "invalid_field"),
                (typo, "policy.efect", "invalid_field"),
                (time, "policy.conditions[0].local_time.to", "invalid_policy"),
                (nothing, "policy.permissions[0]", "invalid_policy"),
            ]
            for (policy, expected, code) in cases {
                let reply = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                  body: ["organisation_id": t.siteA, "policy": policy])
                #expect(reply.status == .unprocessableContent, "\(expected): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == expected)
                #expect(field(reply.body, "error", "code") as? String == code, "\(expected): \(reply.raw)")
            }
            let missing = try await client.json(.post, "/api/v1/policies", token: t.aliceToken, body: ["policy": Self.officeHours()])
            #expect(field(missing.body, "error", "field") as? String == "organisation_id")
            #expect(try await app.count("policies") == 0)

            _ = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                      body: ["organisation_id": t.tenantA, "policy": Self.officeHours()])
            let twice = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                              body: ["organisation_id": t.siteA, "policy": Self.officeHours()])
            #expect(twice.status == .conflict && field(twice.body, "error", "field") as? String == "policy.id")
            let sibling = try await client.json(.post, "/api/v1/policies", token: t.bobToken,
                                                body: ["organisation_id": t.siteB, "policy": Self.officeHours()])
            #expect(sibling.status == .created)  // another branch: the same id does not collide
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherTenantsPoliciesAreInvisibleAndPermitsCannotEscalate(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let created = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                body: ["organisation_id": t.tenantA, "policy": Self.officeHours()])
            let id = field(created.body, "id") as? String ?? ""
            #expect(!ids(try await client.json(.get, "/api/v1/policies", token: t.bobToken).body).contains(id))
            #expect(try await client.json(.get, "/api/v1/policies/\(id)", token: t.bobToken).status == .notFound)
            #expect(try await client.json(.put, "/api/v1/policies/\(id)", token: t.bobToken,
                                          body: ["policy": Self.officeHours()]).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/policies/\(id)", token: t.bobToken).status == .notFound)
            let foreign = try await client.json(.post, "/api/v1/policies", token: t.bobToken,
                                                body: ["organisation_id": t.tenantA, "policy": Self.officeHours(id: "x")])
            #expect(foreign.status == .unprocessableContent && field(foreign.body, "error", "field") as? String == "organisation_id")

            // A role that may write policies but not approve projects cannot permit itself to.
            let writer = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "policy-writer", "description": "", "organisation_id": t.tenantA,
                "permissions": ["policies:create", "policies:read", "organisations:read"],
            ])
            _ = try await client.user(t.aliceToken, "quinn", at: t.tenantA, roleID: field(writer.body, "id") as? String ?? "")
            let quinn = try await client.login("quinn", Tenants.password)
            let permit: [String: Any] = ["id": "self-service", "description": "I approve everything", "effect": "permit",
                                         "permissions": ["policies:read", "projects:*"]]
            let escalation = try await client.json(.post, "/api/v1/policies", token: quinn,
                                                   body: ["organisation_id": t.siteA, "policy": permit])
            #expect(escalation.status == .forbidden && field(escalation.body, "error", "field") as? String == "policy.permissions[1]")
            #expect(try await app.count("policies") == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aDenyPolicyFollowsTheOrganisationsLocalTime(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let probe = try ProbeApp(app)
        try await probe.application.test(.router) { client in
            let t = try await Tenants.make(client, app)
            // 10:00 UTC is 10:00 in London and 18:00 in Shanghai.
            let plant = try await client.organisation(t.rootToken, parent: t.tenantA, name: "UK plant", kind: "subsidiary",
                                                      timeZone: "Europe/London")
            let line = try await client.organisation(t.rootToken, parent: plant, name: "Shanghai line", kind: "site",
                                                     timeZone: "Asia/Shanghai")
            _ = try await client.user(t.aliceToken, "rosa", at: plant, role: .operator)
            let rosa = try await client.login("rosa", Tenants.password)
            func ack(_ organisation: String) async throws -> HTTPResponse.Status {
                try await client.json(.post, "/probe/\(organisation)/alarms/ack", token: rosa).status
            }
            #expect(try await ack(plant) == .noContent)
            #expect(try await ack(line) == .noContent)
            let created = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                body: ["organisation_id": plant, "policy": Self.officeHours()])
            #expect(created.status == .created)
            #expect(try await ack(plant) == .noContent)  // 10:00 in London
            #expect(try await ack(line) == .forbidden)  // 18:00 in Shanghai: outside 08:00–18:00
            #expect(try await ack(t.siteA) == .notFound)  // not Rosa's organisation at all
            app.clock.advance(seconds: 9 * 3600)  // 19:00 in London
            #expect(try await ack(plant) == .forbidden)
            let denial = try await app.database.read {
                try $0.first("SELECT details FROM audit_log WHERE action = 'probe' AND outcome = 'denied' ORDER BY sequence DESC")
            }
            #expect(try denial?.text("details").contains("ack-office-hours") == true)
            app.clock.advance(seconds: 14 * 3600)  // 09:00 the next morning
            #expect(try await ack(plant) == .unauthorized)  // the session has expired meanwhile
            #expect(try await client.json(.post, "/probe/\(plant)/alarms/ack",
                                          token: try await client.login("rosa", Tenants.password)).status == .noContent)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aLimitPolicyLetsAnalystsApproveOnlyBelow10000(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let probe = try ProbeApp(app)
        try await probe.application.test(.router) { client in
            let t = try await Tenants.make(client, app)
            var permissions = BuiltInRole.analyst.permissions.map(\.description)
            permissions.append("projects:approve")
            let role = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "project-analyst", "description": "An analyst who approves projects",
                "organisation_id": t.tenantA, "permissions": permissions,
            ])
            _ = try await client.user(t.aliceToken, "sam", at: t.siteA, roleID: field(role.body, "id") as? String ?? "")
            let sam = try await client.login("sam", Tenants.password)
            func approve(_ amount: String?) async throws -> HTTPResponse.Status {
                try await client.json(.post, "/probe/\(t.siteA)/projects/approve" + (amount.map { "?amount=\($0)" } ?? ""),
                                      token: sam).status
            }
            #expect(try await approve("250000") == .noContent)
            let limit: [String: Any] = [
                "id": "analyst-approval-limit", "description": "Analysts approve projects under 10,000 t only",
                "effect": "deny", "permissions": ["projects:approve"], "roles": ["project-analyst"],
                "conditions": [["amount": ["at_least": "10000"]]],
            ]
            let created = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                body: ["organisation_id": t.tenantA, "policy": limit])
            #expect(created.status == .created, "\(created.raw)")
            #expect(try await approve("9999.99") == .noContent)
            #expect(try await approve("10000") == .forbidden)
            #expect(try await approve(nil) == .forbidden)  // no amount: a deny is never dodged by leaving it out
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aPermitPolicyLetsAnalystsApproveBelowALimit(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let probe = try ProbeApp(app)
        try await probe.application.test(.router) { client in
            let t = try await Tenants.make(client, app)
            _ = try await client.user(t.aliceToken, "sam", at: t.siteA, role: .analyst)
            _ = try await client.user(t.bobToken, "tao", at: t.siteB, role: .analyst)
            let sam = try await client.login("sam", Tenants.password), tao = try await client.login("tao", Tenants.password)
            // The object check alone (`.user` probe): the route table's coarse check looks at grants only.
            func approve(_ token: String, _ organisation: String, _ amount: String?) async throws -> HTTPResponse.Status {
                try await client.json(.post, "/probe-object/\(organisation)/projects/approve" + (amount.map { "?amount=\($0)" } ?? ""),
                                      token: token).status
            }
            #expect(try await approve(sam, t.siteA, "9999") == .forbidden)
            let permit: [String: Any] = [
                "id": "analysts-approve-small", "description": "Analysts approve projects under 10,000 t",
                "effect": "permit", "permissions": ["projects:approve"], "roles": ["analyst"],
                "conditions": [["amount": ["below": "10000"]], ["organisation": "within_grants"]],
            ]
            let created = try await client.json(.post, "/api/v1/policies", token: t.aliceToken,
                                                body: ["organisation_id": t.tenantA, "policy": permit])
            #expect(created.status == .created, "\(created.raw)")
            #expect(try await approve(sam, t.siteA, "9999.99") == .noContent)
            #expect(try await approve(sam, t.siteA, "10000") == .forbidden)
            #expect(try await approve(sam, t.siteA, nil) == .forbidden)  // no amount: the permit cannot hold
            #expect(try await approve(tao, t.siteB, "100") == .forbidden)  // the policy is tenant A's
        }
        await app.close()
    }
}

/// The aggregator's router plus probe routes that make the per-object decision a module
/// route makes (`AccessScope.require` with the organisation and amount of the object), so the
/// policies are tested end to end through authentication, the stored policies and the clock
/// before the alarm and project modules exist.
struct ProbeApp {
    let application: Application<RouterResponder<AppRequestContext>>

    init(_ app: TestApp) throws {
        let (router, _) = try buildRouter(app.dependencies)
        let database = app.database, clock = app.dependencies.clock
        let auditor = Auditor(database: database, clock: clock)
        let routes = RouteRegistry(router: router, authenticator: Authenticator(database: database, clock: clock),
                                   auditor: auditor)
        let scopes = ScopeFactory(database: database, clock: clock)
        for permission in ["alarms:ack", "projects:approve"] as [Permission] {
            for (prefix, access) in [("probe", RouteAccess.permission(permission)), ("probe-object", .user)] {
                routes.add(.post, "/\(prefix)/:organisation/\(permission.resource)/\(permission.action)", access: access,
                           tag: "probe", summary: "probe") { request, context in
                    let id = try context.parameters.require("organisation")
                    guard let organisation = try await database.read({ try OrganisationRef.load(id: id, on: $0) }) else {
                        throw APIError.notFound("organisation")
                    }
                    let amount = request.uri.queryParameters.get("amount").flatMap { Decimal(string: $0) }
                    do {
                        try await scopes.scope(for: context).require(permission, on: organisation, amount: amount, what: "object")
                    } catch let error as APIError {
                        try await auditor.record(.denial(action: "probe", reason: error.message), context: context)
                        throw error
                    }
                    return Response(status: .noContent)
                }
            }
        }
        application = Application(router: router, logger: Logger(label: "test"))
    }
}
