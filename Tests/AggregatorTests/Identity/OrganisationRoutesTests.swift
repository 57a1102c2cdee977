import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct OrganisationRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func theTreeIsBuiltMovedAndRefusesToLoseData(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let group = try await client.json(.post, "/api/v1/organisations", token: token,
                                              body: ["parent_id": app.rootID, "name": "Xinjiang Energy Group", "kind": "group"])
            #expect(group.status == .created)
            let groupID = try #require(field(group.body, "id") as? String)
            #expect(field(group.body, "time_zone") as? String == "Asia/Shanghai")
            let sub = try await client.json(.post, "/api/v1/organisations", token: token,
                                            body: ["parent_id": groupID, "name": "Hami Power", "kind": "subsidiary"])
            let subID = try #require(field(sub.body, "id") as? String)
            let site = try await client.json(.post, "/api/v1/organisations", token: token,
                                             body: ["parent_id": subID, "name": "Hami plant 1", "kind": "site",
                                                    "time_zone": "Asia/Urumqi"])
            let siteID = try #require(field(site.body, "id") as? String)
            #expect(field(site.body, "path") as? [String] == [app.rootID, groupID, subID, siteID])

            // Deleting a parent that still owns children is refused, and names what it owns.
            let refused = try await client.json(.delete, "/api/v1/organisations/\(subID)", token: token)
            #expect(refused.status == .conflict)
            #expect((field(refused.body, "error", "message") as? String ?? "").contains("1 child organisations"))

            // Moving the subsidiary under the root rewrites the whole subtree's paths.
            let moved = try await client.json(.post, "/api/v1/organisations/\(subID)/move", token: token,
                                              body: ["parent_id": app.rootID])
            #expect(moved.status == .ok)
            let siteAfter = try await client.json(.get, "/api/v1/organisations/\(siteID)", token: token)
            #expect(field(siteAfter.body, "path") as? [String] == [app.rootID, subID, siteID])

            // A node cannot move below itself.
            let loop = try await client.json(.post, "/api/v1/organisations/\(subID)/move", token: token,
                                             body: ["parent_id": siteID])
            #expect(loop.status == .unprocessableContent && field(loop.body, "error", "field") as? String == "parent_id")

            #expect(try await client.json(.delete, "/api/v1/organisations/\(siteID)", token: token).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/organisations/\(siteID)", token: token).status == .notFound)
        }
        await app.close()
    }

    @Test(arguments: [
        (["parent_id": "not-a-uuid", "name": "x", "kind": "site"], "parent_id"),
        (["name": "x", "kind": "site"], "parent_id"),
        (["parent_id": "ROOT", "name": "", "kind": "site"], "name"),
        (["parent_id": "ROOT", "name": "x", "kind": "castle"], "kind"),
        (["parent_id": "ROOT", "name": "x", "kind": "site", "time_zone": "Mars/Olympus"], "time_zone"),
        (["parent_id": "ROOT", "name": 7, "kind": "site"], "name"),
    ] as [([String: any Sendable], String)])
    func invalidBodiesNameTheFieldAndWriteNothing(body: [String: any Sendable], expectedField: String) async throws {
        let app = try await TestApp.make()
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            var body = body
            if body["parent_id"] as? String == "ROOT" { body["parent_id"] = app.rootID }
            let reply = try await client.json(.post, "/api/v1/organisations", token: token, body: body)
            #expect(reply.status.code >= 400 && reply.status.code < 500)
            #expect(field(reply.body, "error", "field") as? String == expectedField, "\(reply.raw)")
            let count = try await app.database.read { try $0.first("SELECT count(*) AS n FROM organisations")?.int64("n") }
            #expect(count == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func everyChangeIsAuditedInAChainThatVerifies(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            _ = try await client.json(.post, "/api/v1/organisations", token: token,
                                      body: ["parent_id": app.rootID, "name": "Group", "kind": "group"])
            _ = try await client.json(.post, "/api/v1/auth/login", body: ["username": "admin", "password": "wrong!!"])
        }
        let records = try await app.database.read { connection in
            try connection.query("SELECT * FROM audit_log ORDER BY sequence").map(Auditor.decodeRecord)
        }
        #expect(records.map(\.action) == ["bootstrap.administrator", "auth.login", "organisations.create", "auth.login"])
        #expect(records.last?.outcome == "failure" && records.last?.actorID == app.adminID)
        let checkpoint = try await app.dependencies.checkpoints.checkpoint(app.database, now: 1)
        #expect(checkpoint?.sequence == 4)
        let verification = AuditChain.verify(records: records, checkpoints: try app.dependencies.checkpoints.readAll(),
                                             key: app.dependencies.checkpoints.key)
        #expect(verification == .intact(count: 4, lastSequence: 4, lastHash: records[3].hash))
        // Truncating the table is caught by the checkpoint kept outside the database.
        let truncated = AuditChain.verify(records: Array(records.prefix(3)),
                                          checkpoints: try app.dependencies.checkpoints.readAll(),
                                          key: app.dependencies.checkpoints.key)
        guard case .broken(_, .truncated, _) = truncated else {
            Issue.record("truncation not detected: \(truncated)")
            return
        }
        await app.close()
    }
}
