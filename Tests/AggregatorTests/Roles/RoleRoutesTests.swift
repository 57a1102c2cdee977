import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct RoleRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func aCustomRoleIsCreatedReadChangedAndDeleted(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let created = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "shift-lead", "description": "Acknowledges and shelves alarms", "organisation_id": t.tenantA,
                "permissions": ["alarms:ack", "alarms:read", "alarms:ack"],
            ])
            #expect(created.status == .created, "\(created.raw)")
            #expect(field(created.body, "permissions") as? [String] == ["alarms:ack", "alarms:read"])
            #expect(field(created.body, "built_in") as? Bool == false)
            let id = field(created.body, "id") as? String ?? ""
            let list = try await client.json(.get, "/api/v1/roles", token: t.aliceToken)
            #expect(Set(ids(list.body)).isSuperset(of: [id, RoleRecord.builtInID(.administrator)]))
            #expect(try await client.json(.get, "/api/v1/roles/\(id)", token: t.aliceToken).status == .ok)
            let patched = try await client.json(.patch, "/api/v1/roles/\(id)", token: t.aliceToken,
                                                body: ["permissions": ["alarms:read", "alarms:shelve"], "name": "shift-leader"])
            #expect(patched.status == .ok)
            #expect(field(patched.body, "name") as? String == "shift-leader")
            #expect(field(patched.body, "permissions") as? [String] == ["alarms:read", "alarms:shelve"])
            #expect(try await client.json(.delete, "/api/v1/roles/\(id)", token: t.aliceToken).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/roles/\(id)", token: t.aliceToken).status == .notFound)
            let actions = try await app.auditActions()
            #expect(actions.contains("roles.create") && actions.contains("roles.update") && actions.contains("roles.delete"))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func invalidRolesNameTheFieldAndWriteNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let roles = try await app.count("roles")
            let valid: [String: Any] = ["name": "reader", "description": "", "organisation_id": t.tenantA,
                                        "permissions": ["readings:read"]]
            let cases: [(String, Any, String, HTTPResponse.Status)] = [
                ("permissions", ["readings:read", "readings:fly"], "permissions[1]", .unprocessableContent),
                ("permissions", ["readings:read", "Readings Read"], "permissions[1]", .unprocessableContent),
                ("permissions", [String](), "permissions", .unprocessableContent),
                ("permissions", ["readings:read", 7], "permissions[1]", .unprocessableContent),
                ("name", "Bad Name", "name", .unprocessableContent),
                ("name", "operator", "name", .conflict),
                ("organisation_id", t.tenantB, "organisation_id", .unprocessableContent),
                ("built_in", true, "built_in", .unprocessableContent),
            ]
            for (key, value, expected, status) in cases {
                var body = valid
                body[key] = value
                let reply = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: body)
                #expect(reply.status == status, "\(key): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == expected)
            }
            #expect(try await app.count("roles") == roles)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func builtInsAreReadOnlyAndABoundRoleIsNotDeleted(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let operatorID = RoleRecord.builtInID(.operator)
            #expect(try await client.json(.patch, "/api/v1/roles/\(operatorID)", token: t.rootToken,
                                          body: ["permissions": ["readings:read"]]).status == .conflict)
            #expect(try await client.json(.delete, "/api/v1/roles/\(operatorID)", token: t.rootToken).status == .conflict)
            let role = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "meter-reader", "description": "Reads meters", "organisation_id": t.siteA,
                "permissions": ["readings:read"],
            ])
            let id = field(role.body, "id") as? String ?? ""
            _ = try await client.user(t.aliceToken, "nina", at: t.siteA, roleID: id)
            _ = try await client.user(t.aliceToken, "omar", at: t.siteA, roleID: id)
            let refused = try await client.json(.delete, "/api/v1/roles/\(id)", token: t.aliceToken)
            #expect(refused.status == .conflict)
            #expect((field(refused.body, "error", "message") as? String)?.contains("bound 2 times") == true)
            #expect(try await app.count("roles", where: "id = '\(id)'") == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherTenantsRolesAreInvisibleButAncestorsRolesAreUsable(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let role = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "a-only", "description": "Tenant A's", "organisation_id": t.tenantA, "permissions": ["readings:read"],
            ])
            let id = field(role.body, "id") as? String ?? ""
            #expect(!ids(try await client.json(.get, "/api/v1/roles", token: t.bobToken).body).contains(id))
            #expect(try await client.json(.get, "/api/v1/roles/\(id)", token: t.bobToken).status == .notFound)
            #expect(try await client.json(.patch, "/api/v1/roles/\(id)", token: t.bobToken, body: ["description": "x"]).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/roles/\(id)", token: t.bobToken).status == .notFound)
            let platform = try await client.json(.post, "/api/v1/roles", token: t.rootToken, body: [
                "name": "platform-reader", "description": "Everyone's", "organisation_id": app.rootID,
                "permissions": ["readings:read"],
            ])
            let platformID = field(platform.body, "id") as? String ?? ""
            #expect(ids(try await client.json(.get, "/api/v1/roles", token: t.bobToken).body).contains(platformID))
            // Usable below, but changed only by the owner's administrators.
            #expect(try await client.json(.patch, "/api/v1/roles/\(platformID)", token: t.bobToken,
                                          body: ["description": "mine now"]).status == .forbidden)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func nobodyDefinesARoleStrongerThanThemselves(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let designer = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "role-designer", "description": "Designs roles", "organisation_id": t.tenantA,
                "permissions": ["roles:create", "roles:read", "roles:update", "organisations:read"],
            ])
            _ = try await client.user(t.aliceToken, "pia", at: t.tenantA, roleID: field(designer.body, "id") as? String ?? "")
            let pia = try await client.login("pia", Tenants.password)
            let roles = try await app.count("roles")
            let stronger = try await client.json(.post, "/api/v1/roles", token: pia, body: [
                "name": "super", "description": "", "organisation_id": t.siteA,
                "permissions": ["roles:read", "users:create"],
            ])
            #expect(stronger.status == .forbidden)
            #expect(field(stronger.body, "error", "field") as? String == "permissions[1]")
            #expect(try await app.count("roles") == roles)
            let fine = try await client.json(.post, "/api/v1/roles", token: pia, body: [
                "name": "viewer", "description": "", "organisation_id": t.siteA, "permissions": ["roles:read"],
            ])
            #expect(fine.status == .created)
            let grow = try await client.json(.patch, "/api/v1/roles/\(field(fine.body, "id") as? String ?? "")", token: pia,
                                             body: ["permissions": ["roles:read", "audit:read"]])
            #expect(grow.status == .forbidden && field(grow.body, "error", "field") as? String == "permissions[1]")
        }
        await app.close()
    }
}
