import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct UserRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func anAdministratorCreatesListsReadsAndEditsAUser(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let created = try await client.json(.post, "/api/v1/users", token: t.aliceToken, body: [
                "username": "Wang.Fang", "display_name": "Wang Fang", "email": "wang@example.com",
                "password": Tenants.password, "organisation_id": t.siteA, "role_id": RoleRecord.builtInID(.operator),
            ])
            #expect(created.status == .created)
            #expect(field(created.body, "username") as? String == "wang.fang")
            #expect(field(created.body, "status") as? String == "active")
            #expect(field(created.body, "memberships", "0", "role") as? String == "operator")
            #expect(!created.raw.contains("pbkdf2") && !created.raw.contains("password"))
            let id = field(created.body, "id") as? String ?? ""

            let list = try await client.json(.get, "/api/v1/users", token: t.aliceToken)
            #expect(list.status == .ok && !list.raw.contains("pbkdf2"))
            #expect(Set(ids(list.body)) == [t.aliceID, id])
            let found = try await client.json(.get, "/api/v1/users?status=active&q=FANG", token: t.aliceToken)
            #expect(ids(found.body) == [id])
            let none = try await client.json(.get, "/api/v1/users?q=%25", token: t.aliceToken)
            #expect(ids(none.body).isEmpty)
            let badStatus = try await client.json(.get, "/api/v1/users?status=sleeping", token: t.aliceToken)
            #expect(badStatus.status == .unprocessableContent && field(badStatus.body, "error", "field") as? String == "status")

            let one = try await client.json(.get, "/api/v1/users/\(id)", token: t.aliceToken)
            #expect(field(one.body, "email") as? String == "wang@example.com")
            let patched = try await client.json(.patch, "/api/v1/users/\(id)", token: t.aliceToken,
                                                body: ["display_name": "Fang Wang", "email": NSNull()])
            #expect(patched.status == .ok)
            #expect(field(patched.body, "display_name") as? String == "Fang Wang")
            #expect(field(patched.body, "email") is NSNull)
            let actions = try await app.auditActions()
            for action in ["users.create", "users.list", "users.read", "users.update"] { #expect(actions.contains(action)) }
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func invalidBodiesNameTheFieldAndWriteNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let valid: [String: Any] = [
                "username": "zhao", "display_name": "Zhao", "password": Tenants.password, "organisation_id": t.siteA,
                "role_id": RoleRecord.builtInID(.operator),
            ]
            let users = try await app.count("users"), memberships = try await app.count("memberships")
            let cases: [(String, Any, String, HTTPResponse.Status)] = [
                ("password", "short", "password", .unprocessableContent),
                ("username", "no spaces allowed", "username", .unprocessableContent),
                ("role_id", SecretToken.newID(), "role_id", .unprocessableContent),
                ("organisation_id", SecretToken.newID(), "organisation_id", .unprocessableContent),
                ("organisation_id", t.siteB, "organisation_id", .unprocessableContent),  // another tenant's: unknown
                ("status", "active", "status", .unprocessableContent),  // no mass assignment
                ("username", "alice", "username", .conflict),
            ]
            for (key, value, expected, status) in cases {
                var body = valid
                body[key] = value
                let reply = try await client.json(.post, "/api/v1/users", token: t.aliceToken, body: body)
                #expect(reply.status == status, "\(key)=\(value): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == expected)
            }
            let id = t.aliceID
            let patch = try await client.json(.patch, "/api/v1/users/\(id)", token: t.aliceToken, body: ["status": "disabled"])
            #expect(patch.status == .unprocessableContent && field(patch.body, "error", "field") as? String == "status")
            #expect(try await app.count("users") == users)
            #expect(try await app.count("memberships") == memberships)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherTenantsUsersAreInvisible(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let carol = try await client.user(t.bobToken, "carol", at: t.siteB, role: .operator)
            let list = try await client.json(.get, "/api/v1/users", token: t.aliceToken)
            #expect(!ids(list.body).contains(carol) && !ids(list.body).contains(t.bobID))
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/users/\(carol)", nil),
                (.patch, "/api/v1/users/\(carol)", ["display_name": "X"]),
                (.post, "/api/v1/users/\(carol)/disable", nil),
                (.post, "/api/v1/users/\(carol)/password", ["new_password": "another long secret"]),
                (.post, "/api/v1/users/\(carol)/approve", ["organisation_id": t.siteA, "role_ids": [RoleRecord.builtInID(.operator)]]),
                (.get, "/api/v1/users/\(SecretToken.newID())", nil),
            ] as [(HTTPRequest.Method, String, [String: Any]?)] {
                let reply = try await client.json(method, path, token: t.aliceToken, body: body)
                #expect(reply.status == .notFound, "\(method) \(path): \(reply.raw)")
            }
            let root = try await client.json(.get, "/api/v1/users", token: t.rootToken)
            #expect(Set(ids(root.body)).isSuperset(of: [carol, t.aliceID, t.bobID, app.adminID]))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aTenantAdministratorCannotLockOutAPlatformAdministratorWhoIsAMember(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let bound = try await client.json(.post, "/api/v1/memberships/bind", token: t.rootToken, body: [
                "items": [["user_id": app.adminID, "organisation_id": t.siteA, "role": "operator"]],
            ])
            #expect(bound.status == .ok, "\(bound.raw)")
            let seen = try await client.json(.get, "/api/v1/users/\(app.adminID)", token: t.aliceToken)
            #expect(seen.status == .ok)
            // Alice sees only the membership in her subtree, not the root one.
            #expect((field(seen.body, "memberships") as? [Any])?.count == 1)
            for (path, body) in [("disable", nil), ("password", ["new_password": "a takeover password"])] as [(String, [String: Any]?)] {
                let reply = try await client.json(.post, "/api/v1/users/\(app.adminID)/\(path)", token: t.aliceToken, body: body)
                #expect(reply.status == .forbidden, "\(path): \(reply.raw)")
            }
            let patch = try await client.json(.patch, "/api/v1/users/\(app.adminID)", token: t.aliceToken,
                                              body: ["email": "mallory@example.com"])
            #expect(patch.status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/me", token: t.rootToken).status == .ok)
            // The platform administrator covers all of Alice's memberships and may disable her.
            let disabled = try await client.json(.post, "/api/v1/users/\(t.aliceID)/disable", token: t.rootToken)
            #expect(disabled.status == .ok && field(disabled.body, "status") as? String == "disabled")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func disablingRevokesSessionsAndNobodyDisablesThemselves(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let dave = try await client.user(t.aliceToken, "dave", at: t.siteA, role: .analyst)
            let token = try await client.login("dave", Tenants.password)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .ok)
            let disabled = try await client.json(.post, "/api/v1/users/\(dave)/disable", token: t.aliceToken)
            #expect(disabled.status == .ok)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .unauthorized)
            let login = try await client.json(.post, "/api/v1/auth/login", body: ["username": "dave", "password": Tenants.password])
            #expect(login.status == .unauthorized)
            #expect(try await client.json(.post, "/api/v1/users/\(dave)/disable", token: t.aliceToken).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/users/\(dave)/enable", token: t.aliceToken).status == .ok)
            _ = try await client.login("dave", Tenants.password)

            let own = try await client.json(.post, "/api/v1/users/\(t.aliceID)/disable", token: t.aliceToken)
            #expect(own.status == .conflict)
            #expect(try await client.json(.get, "/api/v1/me", token: t.aliceToken).status == .ok)
            let analyst = try await client.json(.post, "/api/v1/users/\(t.aliceID)/disable",
                                                token: try await client.login("dave", Tenants.password))
            #expect(analyst.status == .forbidden)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func registrationsAreApprovedOrRejectedByTheirOrganisationsAdministrators(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            func register(_ name: String) async throws -> String {
                let reply = try await client.json(.post, "/api/v1/auth/register", body: [
                    "username": name, "display_name": name, "password": Tenants.password,
                    "requested_organisation_id": t.tenantA,
                ])
                return field(reply.body, "id") as? String ?? ""
            }
            let erin = try await register("erin"), frank = try await register("frank")
            let pending = try await client.json(.get, "/api/v1/users?status=pending", token: t.aliceToken)
            #expect(Set(ids(pending.body)) == [erin, frank])
            #expect(ids(try await client.json(.get, "/api/v1/users?status=pending", token: t.bobToken).body).isEmpty)
            let approval: [String: Any] = ["organisation_id": t.siteA, "role_ids": [RoleRecord.builtInID(.operator)]]
            #expect(try await client.json(.post, "/api/v1/users/\(erin)/approve", token: t.bobToken, body: approval).status == .notFound)

            let bad = try await client.json(.post, "/api/v1/users/\(erin)/approve", token: t.aliceToken,
                                            body: ["organisation_id": t.siteA, "role_ids": [RoleRecord.builtInID(.operator), "nope"]])
            #expect(bad.status == .unprocessableContent && field(bad.body, "error", "field") as? String == "role_ids[1]")
            let elsewhere = try await client.json(.post, "/api/v1/users/\(erin)/approve", token: t.aliceToken,
                                                  body: ["organisation_id": t.siteB, "role_ids": [RoleRecord.builtInID(.operator)]])
            #expect(elsewhere.status == .unprocessableContent && field(elsewhere.body, "error", "field") as? String == "organisation_id")
            #expect(try await app.count("memberships", where: "user_id = '\(erin)'") == 0)

            let approved = try await client.json(.post, "/api/v1/users/\(erin)/approve", token: t.aliceToken, body: approval)
            #expect(approved.status == .ok && field(approved.body, "status") as? String == "active")
            _ = try await client.login("erin", Tenants.password)
            #expect(try await client.json(.post, "/api/v1/users/\(erin)/approve", token: t.aliceToken, body: approval).status == .conflict)

            let rejected = try await client.json(.post, "/api/v1/users/\(frank)/reject", token: t.aliceToken)
            #expect(rejected.status == .ok && field(rejected.body, "status") as? String == "rejected")
            let login = try await client.json(.post, "/api/v1/auth/login", body: ["username": "frank", "password": Tenants.password])
            #expect(login.status == .unauthorized)
            let actions = try await app.auditActions()
            #expect(actions.contains("users.approve") && actions.contains("users.reject"))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func passwordsAreResetByAdministratorsAndChangedByTheirOwners(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let gina = try await client.user(t.aliceToken, "gina", at: t.siteA, role: .analyst)
            let first = try await client.login("gina", Tenants.password)
            let short = try await client.json(.post, "/api/v1/users/\(gina)/password", token: t.aliceToken,
                                              body: ["new_password": "short"])
            #expect(short.status == .unprocessableContent && field(short.body, "error", "field") as? String == "new_password")
            #expect(try await client.json(.get, "/api/v1/me", token: first).status == .ok)
            let reset = try await client.json(.post, "/api/v1/users/\(gina)/password", token: t.aliceToken,
                                              body: ["new_password": "a brand new secret"])
            #expect(reset.status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: first).status == .unauthorized)

            let kept = try await client.login("gina", "a brand new secret")
            let other = try await client.login("gina", "a brand new secret")
            let wrong = try await client.json(.post, "/api/v1/me/password", token: kept,
                                              body: ["current_password": "not my password", "new_password": "yet another secret"])
            #expect(wrong.status == .unprocessableContent && field(wrong.body, "error", "field") as? String == "current_password")
            let changed = try await client.json(.post, "/api/v1/me/password", token: kept,
                                                body: ["current_password": "a brand new secret", "new_password": "yet another secret"])
            #expect(changed.status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: kept).status == .ok)
            #expect(try await client.json(.get, "/api/v1/me", token: other).status == .unauthorized)
            _ = try await client.login("gina", "yet another secret")
        }
        await app.close()
    }
}
