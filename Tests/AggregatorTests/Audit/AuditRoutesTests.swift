import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct AuditRoutesTests {
    func records(_ reply: (status: HTTPResponse.Status, body: Any, raw: String)) -> [[String: Any]] {
        field(reply.body, "records") as? [[String: Any]] ?? []
    }

    @Test(arguments: TestBackend.enabled)
    func searchesFilterPageAndAreThemselvesAudited(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let tenant = try await app.organisation("Tenant", under: app.rootID)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            for name in ["A", "B", "C"] {
                let reply = try await client.json(.post, "/api/v1/organisations", token: admin,
                                                  body: ["parent_id": tenant, "name": name, "kind": "site"])
                #expect(reply.status == .created)
            }
            _ = try await client.json(.post, "/api/v1/auth/login", body: ["username": "admin", "password": "wrong password"])

            let creations = try await client.json(.get, "/api/v1/audit?action=organisations.", token: admin)
            #expect(creations.status == .ok, "\(creations.raw)")
            #expect(records(creations).map { $0["action"] as? String } == Array(repeating: "organisations.create", count: 3))
            #expect(field(creations.body, "next_after_sequence") is NSNull)

            let failures = try await client.json(.get, "/api/v1/audit?outcome=failure", token: admin)
            #expect(records(failures).map { $0["action"] as? String } == ["auth.login"])
            #expect(records(failures).first?["organisation_id"] == nil)  // visible: the admin is at the root

            let page = try await client.json(.get, "/api/v1/audit?limit=2", token: admin)
            #expect(records(page).map { $0["sequence"] as? Int } == [1, 2])
            let next = try #require(field(page.body, "next_after_sequence") as? Int)
            let second = try await client.json(.get, "/api/v1/audit?limit=2&after_sequence=\(next)", token: admin)
            #expect(records(second).map { $0["sequence"] as? Int } == [3, 4])

            let mine = try await client.json(.get, "/api/v1/audit?actor_id=\(app.adminID)&action=auth.login", token: admin)
            #expect(records(mine).allSatisfy { $0["actor_id"] as? String == app.adminID })
            #expect(!records(mine).isEmpty)

            let later = ServiceClock.iso(app.clock.serviceClock.micros + 1_000_000)  // replies carry milliseconds
            let none = try await client.json(.get, "/api/v1/audit?from=\(later)", token: admin)
            #expect(records(none).isEmpty)
            let before = try await client.json(.get, "/api/v1/audit?to=\(later)&organisation_id=\(tenant)", token: admin)
            #expect(records(before).isEmpty)  // the tenant itself was written straight into the database
        }
        let searches = try await app.auditRecords("audit.search")
        #expect(searches.count == 7)
        #expect(searches.first?.details["action"] == "organisations.")
        #expect(searches.first?.details["returned"] == "3")
        await app.close()
    }

    @Test(arguments: [
        ("limit=1001", "limit"), ("limit=0", "limit"), ("from=yesterday", "from"), ("outcome=maybe", "outcome"),
        ("organisation_id=42", "organisation_id"), ("after_sequence=-1", "after_sequence"), ("colour=red", "colour"),
        ("from=2025-11-25T10:00:00Z&to=2025-11-24T10:00:00Z", "to"), ("action=a&action=b", "action"),
    ])
    func badParametersAreRefusedByName(_ query: String, _ name: String) async throws {
        let app = try await TestApp.make()
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let reply = try await client.json(.get, "/api/v1/audit?\(query)", token: admin)
            #expect(reply.status == .unprocessableContent, "\(reply.raw)")
            #expect(field(reply.body, "error", "field") as? String == name)
        }
        #expect(try await app.auditRecords("audit.search").isEmpty)
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aTenantAuditorSeesOnlyTheirSubtree(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let tenantA = try await app.organisation("Tenant A", under: app.rootID)
        let tenantB = try await app.organisation("Tenant B", under: app.rootID)
        try await app.person("admin.a", .administrator, at: tenantA)
        try await app.person("admin.b", .administrator, at: tenantB)
        try await app.person("auditor.a", .auditor, at: tenantA)
        try await app.person("auditor.root", .auditor, at: app.rootID)
        try await app.application().test(.router) { client in
            let adminA = try await client.login("admin.a", TestApp.adminPassword)
            let adminB = try await client.login("admin.b", TestApp.adminPassword)
            let siteA = try await client.json(.post, "/api/v1/organisations", token: adminA,
                                              body: ["parent_id": tenantA, "name": "Site A", "kind": "site"])
            let siteAID = try #require(field(siteA.body, "id") as? String)
            _ = try await client.json(.post, "/api/v1/organisations", token: adminB,
                                      body: ["parent_id": tenantB, "name": "Site B", "kind": "site"])

            let auditorA = try await client.login("auditor.a", TestApp.adminPassword)
            let seen = records(try await client.json(.get, "/api/v1/audit?limit=1000", token: auditorA))
            #expect(seen.map { $0["action"] as? String } == ["organisations.create"])
            #expect(seen.first?["organisation_id"] as? String == siteAID)
            let probe = try await client.json(.get, "/api/v1/audit?organisation_id=\(tenantB)", token: auditorA)
            #expect(records(probe).isEmpty)

            let rootAuditor = try await client.login("auditor.root", TestApp.adminPassword)
            let all = records(try await client.json(.get, "/api/v1/audit?limit=1000", token: rootAuditor))
            #expect(all.filter { $0["action"] as? String == "organisations.create" }.count == 2)
            #expect(all.contains { $0["action"] as? String == "auth.login" && $0["organisation_id"] == nil })
            #expect(all.contains { $0["action"] as? String == "audit.search" })

            let export = try await client.json(.get, "/api/v1/audit/export", token: adminA)
            #expect(export.status == .forbidden)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func theExportStreamsTheWholeChainAndItVerifies(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        // More records than one export page, so the paging is exercised.
        try await app.database.write { connection in
            for index in 0..<(AuditService.exportPageSize + 20) {
                _ = try Auditor.append(.init(action: "test.filler", details: ["n": String(index)]),
                                       actor: .init(id: nil, kind: "system"), requestID: "r", sourceAddress: "local",
                                       time: 1, on: connection)
            }
        }
        let checkpoint = try #require(try await app.dependencies.checkpoints.checkpoint(app.database, now: 2))
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            try await client.execute(uri: "/api/v1/audit/export", method: .get,
                                     headers: [.authorization: "Bearer \(admin)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                let lines = String(buffer: response.body).split(separator: "\n")
                let records = try lines.map { try JSONDecoder().decode(AuditRecord.self, from: Data($0.utf8)) }
                #expect(records.count == AuditService.exportPageSize + 23)  // bootstrap, fillers, login, export
                #expect(records.last?.action == "audit.export")
                let verdict = AuditChain.verify(records: records, checkpoints: [checkpoint],
                                                key: app.dependencies.checkpoints.key)
                #expect(verdict == .intact(count: records.count, lastSequence: records.last!.sequence,
                                           lastHash: records.last!.hash))
            }
        }
        #expect(try await app.auditRecords("audit.export").count == 1)
        await app.close()
    }
}
