import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct AgentRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func aNewAgentsTokenAuthenticatesTheAgentAndOnlyOnAgentRoutes(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let site = try await app.organisation("Plant 7", under: app.rootID, kind: "site")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let created = try await client.json(.post, "/api/v1/agents", token: admin,
                                                body: ["name": "plant7-gw1", "site_id": site])
            #expect(created.status == .created, "\(created.raw)")
            let token = try #require(field(created.body, "credential", "token") as? String)
            #expect(token.hasPrefix("cpa_"))
            let agentID = try #require(field(created.body, "agent", "id") as? String)
            #expect(field(created.body, "agent", "status") as? String == "active")

            let whoami = try await client.json(.get, "/api/v1/agent/whoami", token: token)
            #expect(whoami.status == .ok, "\(whoami.raw)")
            #expect(field(whoami.body, "agent_id") as? String == agentID)
            #expect(field(whoami.body, "name") as? String == "plant7-gw1")
            #expect(field(whoami.body, "site_id") as? String == site)

            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: admin).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/agents", token: token).status == .forbidden)

            let one = try await client.json(.get, "/api/v1/agents/\(agentID)", token: admin)
            #expect(field(one.body, "name") as? String == "plant7-gw1")
            let list = try await client.json(.get, "/api/v1/agents", token: admin)
            #expect((list.body as? [Any])?.count == 1)
            #expect(!created.raw.contains("token_hash") && !one.raw.contains("token"))
        }
        #expect(try await app.auditRecords("agents.create").first?.organisationID == site)
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func afterRotationBothTokensWorkUntilTheOverlapEnds(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let site = try await app.organisation("Plant 7", under: app.rootID, kind: "site")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let created = try await client.json(.post, "/api/v1/agents", token: admin,
                                                body: ["name": "gw-1", "site_id": site])
            let agentID = try #require(field(created.body, "agent", "id") as? String)
            let old = try #require(field(created.body, "credential", "token") as? String)

            let rotated = try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: admin,
                                                body: ["overlap_seconds": 3600])
            #expect(rotated.status == .created, "\(rotated.raw)")
            let new = try #require(field(rotated.body, "token") as? String)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: old).status == .ok)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: new).status == .ok)

            app.clock.advance(seconds: 3601)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: old).status == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: new).status == .ok)

            let credentials = try await client.json(.get, "/api/v1/agents/\(agentID)/credentials", token: admin)
            let items = try #require(credentials.body as? [[String: Any]])
            #expect(items.count == 2)
            let newID = try #require(field(rotated.body, "id") as? String)
            let current = try #require(items.first { $0["id"] as? String == newID })
            let retired = try #require(items.first { $0["id"] as? String != newID })
            #expect(current["active"] as? Bool == true && current["expires_at"] is NSNull)
            #expect(retired["active"] as? Bool == false && retired["expires_at"] is String)
            #expect(retired["revoked_at"] is NSNull)
            #expect(!credentials.raw.contains("token") && !credentials.raw.contains("hash"))

            // An empty body takes the default overlap (a day).
            let third = try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: admin)
            #expect(third.status == .created, "\(third.raw)")
            app.clock.advance(seconds: 86_000)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: new).status == .ok)
            app.clock.advance(seconds: 401)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: new).status == .unauthorized)
        }
        #expect(try await app.auditRecords("agents.credentials.read").count == 1)
        #expect(try await app.auditRecords("agents.credentials.rotate").map { $0.details["overlap_seconds"] }
                    == ["3600", "86400"])
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func revokedCredentialsAndDisabledAgentsAreRefusedAtOnce(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let site = try await app.organisation("Plant 7", under: app.rootID, kind: "site")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let created = try await client.json(.post, "/api/v1/agents", token: admin, body: ["name": "gw-1", "site_id": site])
            let agentID = try #require(field(created.body, "agent", "id") as? String)
            let first = try #require(field(created.body, "credential", "token") as? String)
            let firstID = try #require(field(created.body, "credential", "id") as? String)
            let rotated = try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: admin, body: [:])
            let second = try #require(field(rotated.body, "token") as? String)

            let revoked = try await client.json(.delete, "/api/v1/agents/\(agentID)/credentials/\(firstID)", token: admin)
            #expect(revoked.status == .noContent)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: first).status == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: second).status == .ok)
            let unknown = try await client.json(.delete, "/api/v1/agents/\(agentID)/credentials/\(UUID())", token: admin)
            #expect(unknown.status == .notFound)

            let disabled = try await client.json(.post, "/api/v1/agents/\(agentID)/disable", token: admin)
            #expect(disabled.status == .ok && field(disabled.body, "status") as? String == "disabled")
            #expect(try await client.json(.get, "/api/v1/agent/whoami", token: second).status == .unauthorized)
            let again = try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: admin)
            #expect(again.status == .conflict)
        }
        #expect(try await app.count("agent_credentials", where: "revoked_at IS NULL") == 0)
        #expect(try await app.auditRecords("agents.disable").count == 1)
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func invalidRequestsNameTheFieldAndWriteNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let site = try await app.organisation("Plant 7", under: app.rootID, kind: "site")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let cases: [([String: Any], Int, String)] = [
                (["name": "Plant 7", "site_id": site], 422, "name"),
                (["name": "x", "site_id": site], 422, "name"),
                (["name": "gw-1", "site_id": "not-a-uuid"], 422, "site_id"),
                (["name": "gw-1", "site_id": UUID().uuidString], 422, "site_id"),
                (["name": "gw-1"], 422, "site_id"),
                (["name": "gw-1", "site_id": site, "status": "active"], 422, "status"),
            ]
            for (body, status, fieldName) in cases {
                let reply = try await client.json(.post, "/api/v1/agents", token: admin, body: body)
                #expect(Int(reply.status.code) == status, "\(body): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == fieldName, "\(body): \(reply.raw)")
            }
            #expect(try await app.count("agents") == 0)
            #expect(try await app.count("agent_credentials") == 0)

            let created = try await client.json(.post, "/api/v1/agents", token: admin, body: ["name": "gw-1", "site_id": site])
            let agentID = try #require(field(created.body, "agent", "id") as? String)
            let duplicate = try await client.json(.post, "/api/v1/agents", token: admin, body: ["name": "gw-1", "site_id": site])
            #expect(duplicate.status == .conflict && field(duplicate.body, "error", "field") as? String == "name")
            let tooLong = try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: admin,
                                                body: ["overlap_seconds": 604_801])
            #expect(tooLong.status == .unprocessableContent)
            #expect(field(tooLong.body, "error", "field") as? String == "overlap_seconds")
            #expect(try await app.count("agents") == 1)
            #expect(try await app.count("agent_credentials") == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherTenantsAdministratorCannotSeeOrTouchTheAgent(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let tenantA = try await app.organisation("Tenant A", under: app.rootID)
        let tenantB = try await app.organisation("Tenant B", under: app.rootID)
        let siteA = try await app.organisation("Site A", under: tenantA, kind: "site")
        try await app.person("admin.a", .administrator, at: tenantA)
        try await app.person("admin.b", .administrator, at: tenantB)
        try await app.application().test(.router) { client in
            let adminA = try await client.login("admin.a", TestApp.adminPassword)
            let adminB = try await client.login("admin.b", TestApp.adminPassword)
            let created = try await client.json(.post, "/api/v1/agents", token: adminA, body: ["name": "a-gw", "site_id": siteA])
            #expect(created.status == .created)
            let agentID = try #require(field(created.body, "agent", "id") as? String)
            let credentialID = try #require(field(created.body, "credential", "id") as? String)

            #expect((try await client.json(.get, "/api/v1/agents", token: adminB).body as? [Any])?.isEmpty == true)
            #expect(try await client.json(.get, "/api/v1/agents/\(agentID)", token: adminB).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/agents/\(agentID)/credentials", token: adminB).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/agents/\(agentID)/credentials", token: adminB).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/agents/\(agentID)/credentials/\(credentialID)",
                                          token: adminB).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/agents/\(agentID)/disable", token: adminB).status == .notFound)
            let intoA = try await client.json(.post, "/api/v1/agents", token: adminB, body: ["name": "b-gw", "site_id": siteA])
            #expect(intoA.status == .unprocessableContent && field(intoA.body, "error", "field") as? String == "site_id")
            #expect((try await client.json(.get, "/api/v1/agents", token: adminA).body as? [Any])?.count == 1)
        }
        #expect(try await app.count("agent_credentials", where: "revoked_at IS NULL") == 1)
        await app.close()
    }
}
