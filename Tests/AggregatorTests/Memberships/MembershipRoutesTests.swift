import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct MembershipRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func bindingIsReportedPerItemAndRepeatingItChangesNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let hana = try await client.user(t.aliceToken, "hana", at: t.tenantA, role: .analyst)
            let items: [[String: Any]] = [
                ["user_id": hana, "organisation_id": t.siteA, "role": "operator"],
                ["username": "alice", "organisation_id": t.siteA, "role_id": RoleRecord.builtInID(.auditor)],
                ["username": "HANA", "organisation_id": t.siteA, "role": "operator"],  // the same binding again
            ]
            let first = try await client.json(.post, "/api/v1/memberships/bind", token: t.aliceToken, body: ["items": items])
            #expect(first.status == .ok, "\(first.raw)")
            #expect(field(first.body, "bound") as? Int == 2 && field(first.body, "already") as? Int == 1)
            #expect(field(first.body, "report", "0", "status") as? String == "bound")
            #expect(field(first.body, "report", "2", "index") as? Int == 2)
            let again = try await client.json(.post, "/api/v1/memberships/bind", token: t.aliceToken, body: ["items": items])
            #expect(field(again.body, "bound") as? Int == 0 && field(again.body, "already") as? Int == 3)

            let members = try await client.json(.get, "/api/v1/organisations/\(t.siteA)/members", token: t.aliceToken)
            #expect(members.status == .ok)
            #expect(Set((members.body as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }) == ["alice", "hana"])
            #expect(try await client.json(.get, "/api/v1/organisations/\(t.siteA)/members", token: t.bobToken).status == .notFound)

            let unbound = try await client.json(.post, "/api/v1/memberships/unbind", token: t.aliceToken,
                                                body: ["items": [items[0], items[0]]])
            #expect(field(unbound.body, "unbound") as? Int == 1 && field(unbound.body, "absent") as? Int == 1)
            #expect(try await app.count("memberships", where: "organisation_id = '\(t.siteA)'") == 1)
            #expect(try await app.auditActions().filter { $0 == "memberships.bind" }.count == 2)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func oneBadLineInFiftyBindsNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            var lines = ["username,organisation_id,role"]
            for n in 0..<50 {
                let name = "worker\(n)"
                _ = try await client.user(t.aliceToken, name, at: t.siteA, role: .auditor)
                lines.append("\(name),\(t.tenantA),\(n == 36 ? "no-such-role" : "operator")")
            }
            let before = try await app.count("memberships"), audit = try await app.count("audit_log")
            let reply = try await client.csv("/api/v1/memberships/bind", token: t.aliceToken, lines.joined(separator: "\n"))
            #expect(reply.status == .unprocessableContent)
            #expect(field(reply.body, "error", "code") as? String == "bulk_invalid")
            #expect(field(reply.body, "error", "field") as? String == "items")
            let report = field(reply.body, "report") as? [[String: Any]] ?? []
            #expect(report.count == 1)
            #expect(report.first?["line"] as? Int == 38 && report.first?["status"] as? String == "error")
            #expect((report.first?["message"] as? String)?.contains("no-such-role") == true)
            #expect(try await app.count("memberships") == before)
            #expect(try await app.count("audit_log") == audit + 1)  // the refusal, not 49 bindings

            let json = try await client.json(.post, "/api/v1/memberships/bind", token: t.aliceToken, body: ["items": [
                ["username": "worker1", "organisation_id": t.siteA, "role": "operator"],
                ["username": "worker2", "organisation_id": "not-a-uuid", "role": "operator"],
                ["username": "worker3", "organisation_id": t.siteA, "role": "operator", "admin": true],
                ["organisation_id": t.siteA, "role": "operator"],
                "worker5",
            ]])
            #expect(json.status == .unprocessableContent)
            #expect((field(json.body, "report") as? [[String: Any]] ?? []).compactMap { $0["index"] as? Int } == [1, 2, 3, 4])
            #expect(try await app.count("memberships") == before)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func csvFieldsMayBeQuoted(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            _ = try await client.user(t.aliceToken, "ivan", at: t.siteA, role: .auditor)
            _ = try await client.user(t.aliceToken, "jin", at: t.siteA, role: .auditor)
            let text = "\u{FEFF}Username,Organisation_ID,Role\r\n\"ivan\",\"\(t.siteA)\",\"operator\"\r\n\r\n jin , \"\(t.siteA)\" ,analyst\r\n"
            let reply = try await client.csv("/api/v1/memberships/bind", token: t.aliceToken, text)
            #expect(reply.status == .ok, "\(reply.raw)")
            #expect(field(reply.body, "bound") as? Int == 2)
            #expect((field(reply.body, "report") as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int } == [2, 4])

            let unterminated = try await client.csv("/api/v1/memberships/bind", token: t.aliceToken,
                                                    "username,organisation_id,role\nivan,\(t.siteA),operator\n\"jin,x,y\n")
            #expect(unterminated.status == .unprocessableContent)
            #expect(field(unterminated.body, "report", "0", "line") as? Int == 3)
            let header = try await client.csv("/api/v1/memberships/bind", token: t.aliceToken, "user,org,role\nivan,x,y\n")
            #expect(header.status == .unprocessableContent && field(header.body, "report", "0", "line") as? Int == 1)
        }
        await app.close()
    }

    @Test func theCSVReaderFollowsRFC4180() throws {
        let records = try CSVReader.records("a,\"b, with comma\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\r\n\nlast,,\"\"")
        #expect(records == [
            CSVRecord(line: 1, fields: ["a", "b, with comma", "say \"hi\""]),
            CSVRecord(line: 2, fields: ["two\nlines", "x", ""]),
            CSVRecord(line: 5, fields: ["last", "", ""]),
        ])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records("a,b\"c\n") }
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records("\"a\"b,c\n") }
    }

    @Test(arguments: TestBackend.enabled)
    func nobodyBindsARoleStrongerThanTheirOwn(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let role = try await client.json(.post, "/api/v1/roles", token: t.aliceToken, body: [
                "name": "site-lead", "description": "Runs a site and adds its operators", "organisation_id": t.tenantA,
                "permissions": ["memberships:bind", "users:read", "users:create", "organisations:read", "alarms:ack"],
            ])
            #expect(role.status == .created, "\(role.raw)")
            let roleID = field(role.body, "id") as? String ?? ""
            _ = try await client.user(t.aliceToken, "kim", at: t.siteA, roleID: roleID)
            _ = try await client.user(t.aliceToken, "lee", at: t.siteA, role: .auditor)
            let kim = try await client.login("kim", Tenants.password)
            let before = try await app.count("memberships")
            let escalate = try await client.json(.post, "/api/v1/memberships/bind", token: kim, body: ["items": [
                ["username": "lee", "organisation_id": t.siteA, "role": "site-lead"],
                ["username": "kim", "organisation_id": t.siteA, "role": "administrator"],
                ["username": "lee", "organisation_id": t.tenantA, "role": "site-lead"],
            ]])
            #expect(escalate.status == .unprocessableContent)
            let report = field(escalate.body, "report") as? [[String: Any]] ?? []
            #expect(report.compactMap { $0["index"] as? Int } == [1, 2])
            #expect((report.first?["message"] as? String)?.contains("do not hold") == true)
            #expect(try await app.count("memberships") == before)
            let create = try await client.json(.post, "/api/v1/users", token: kim, body: [
                "username": "mallory", "display_name": "M", "password": Tenants.password, "organisation_id": t.siteA,
                "role_id": RoleRecord.builtInID(.administrator),
            ])
            #expect(create.status == .forbidden && field(create.body, "error", "field") as? String == "role_id")
            let same = try await client.json(.post, "/api/v1/memberships/bind", token: kim, body: ["items": [
                ["username": "lee", "organisation_id": t.siteA, "role": "site-lead"],
            ]])
            #expect(same.status == .ok, "\(same.raw)")
            // A custom role is usable only in its owner's subtree.
            let outside = try await client.json(.post, "/api/v1/memberships/bind", token: t.rootToken, body: ["items": [
                ["username": "bob", "organisation_id": t.siteB, "role": "site-lead"],
            ]])
            #expect(outside.status == .unprocessableContent)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherTenantsUsersAndOrganisationsAreUnknown(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let reply = try await client.json(.post, "/api/v1/memberships/bind", token: t.aliceToken, body: ["items": [
                ["username": "bob", "organisation_id": t.siteA, "role": "operator"],
                ["username": "alice", "organisation_id": t.siteB, "role": "operator"],
                ["username": "nobody", "organisation_id": t.siteA, "role": "operator"],
            ]])
            let messages = (field(reply.body, "report") as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages == ["unknown user", "no such organisation", "unknown user"])
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func theLastRootAdministratorCannotBeUnboundAndBulkRequestsAreCapped(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let t = try await Tenants.make(client, app)
            let last = try await client.json(.post, "/api/v1/memberships/unbind", token: t.rootToken, body: ["items": [
                ["user_id": app.adminID, "organisation_id": app.rootID, "role": "administrator"],
            ]])
            #expect(last.status == .conflict)
            #expect(try await app.count("memberships", where: "user_id = '\(app.adminID)'") == 1)
            let many = Array(repeating: ["username": "alice", "organisation_id": t.siteA, "role": "operator"],
                             count: BulkInput.maximumItems + 1)
            let capped = try await client.json(.post, "/api/v1/memberships/bind", token: t.rootToken, body: ["items": many])
            #expect(capped.status == .unprocessableContent && field(capped.body, "error", "field") as? String == "items")
            let empty = try await client.json(.post, "/api/v1/memberships/bind", token: t.rootToken, body: ["items": []])
            #expect(empty.status == .unprocessableContent)
            var headers = HTTPFields()
            headers[.contentType] = "application/xml"
            let xml = try await client.json(.post, "/api/v1/memberships/bind", token: t.rootToken, headers: headers)
            #expect(xml.status == .unsupportedMediaType)
        }
        await app.close()
    }
}
