import HTTPTypes
import CarbonCore
import Foundation
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct VerificationRoutesTests {
    @Test(arguments: TestBackend.enabled)
    func plansAndRecordsAreStoredValidatedAndAudited(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let plan = try await client.json(.get, "/api/v1/verification/plans/\(planID)", token: admin)
            #expect(plan.status == .ok)
            #expect(field(plan.body, "team", "1", "name") as? String == "Anna Berg")
            #expect(field(plan.body, "schedule", "1", "date") as? String == "2026-01-20")
            let records = try await client.json(.get, "/api/v1/verification/plans/\(planID)/records", token: admin)
            let list = records.body as? [[String: Any]] ?? []
            #expect(list.compactMap { $0["kind"] as? String }.sorted() == ["data_collection", "finding", "site_check"])
            #expect(list.first?["kind"] as? String == "data_collection")  // by date
            let finding = try #require(list.first { $0["kind"] as? String == "finding" })
            #expect(finding["severity"] as? String == "high" && finding["resolution"] as? String == "open")
            #expect(list.first { $0["kind"] as? String == "site_check" }?["severity"] as? String == nil)

            let resolved = try await client.json(.patch, "/api/v1/verification/records/\(finding["id"] as! String)",
                                                 token: admin, body: ["resolution": "resolved",
                                                                      "resolution_note": "certificate supplied"])
            #expect(resolved.status == .ok && field(resolved.body, "resolution") as? String == "resolved")
            let siteCheck = list.first { $0["kind"] as? String == "site_check" }!["id"] as! String
            let notFinding = try await client.json(.patch, "/api/v1/verification/records/\(siteCheck)", token: admin,
                                                   body: ["resolution": "resolved"])
            #expect(notFinding.status == .conflict)
            #expect(try await app.auditRecords("verification.plans.create").count == 1)
            #expect(try await app.auditRecords("verification.records.create").count == 3)
            #expect(try await app.auditRecords("verification.records.resolve").count == 1)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badBodiesAreRefusedNamingTheFieldAndWriteNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let base = ReportFixtures.planBody(organisationID: app.rootID)
            let cases: [(String, Any?, String)] = [
                ("starts_on", "2026-02-30", "starts_on"), ("ends_on", "2025-12-31", "ends_on"),
                ("team", [] as [Any], "team"), ("title", "   ", "title"), ("subject_kind", "Inventory Version", "subject_kind"),
                ("organisation_id", "00000000-0000-4000-8000-00000000beef", "organisation_id"),
                ("scope", nil, "scope"), ("surprise", "x", "surprise"),
                ("schedule", [["activity": "x", "date": "soon"]], "schedule[0].date"),
            ]
            for (key, value, expected) in cases {
                var body = base
                body[key] = value
                let reply = try await client.json(.post, "/api/v1/verification/plans", token: admin, body: body)
                #expect(reply.status.code == 422, "\(key): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == expected, "\(key): \(reply.raw)")
            }
            #expect(try await app.count("verification_plans") == 0)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let noSeverity = try await client.json(.post, "/api/v1/verification/plans/\(planID)/records", token: admin,
                                                   body: ["kind": "finding", "title": "x", "occurred_on": "2026-01-02"])
            #expect(noSeverity.status.code == 422 && field(noSeverity.body, "error", "field") as? String == "severity")
            let severityOnCheck = try await client.json(
                .post, "/api/v1/verification/plans/\(planID)/records", token: admin,
                body: ["kind": "site_check", "title": "x", "occurred_on": "2026-01-02", "severity": "low"])
            #expect(severityOnCheck.status.code == 422)
            #expect(try await app.count("verification_records") == 3)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anotherOrganisationSeesNothingAndAnAnalystCannotRecord(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let mine = try await app.organisation("Mine", under: app.rootID)
        let theirs = try await app.organisation("Theirs", under: app.rootID)
        try await app.person("mine-admin", .administrator, at: mine)
        try await app.person("their-admin", .administrator, at: theirs)
        try await app.person("mine-analyst", .analyst, at: mine)
        try await app.application().test(.router) { client in
            let owner = try await client.login("mine-admin", TestApp.adminPassword)
            let stranger = try await client.login("their-admin", TestApp.adminPassword)
            let analyst = try await client.login("mine-analyst", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: owner, organisationID: mine)
            #expect(try await client.json(.get, "/api/v1/verification/plans/\(planID)", token: stranger).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/verification/plans/\(planID)/records", token: stranger).status
                == .notFound)
            let list = try await client.json(.get, "/api/v1/verification/plans", token: stranger)
            #expect((list.body as? [Any])?.isEmpty == true)
            let intrusion = try await client.json(.post, "/api/v1/verification/plans/\(planID)/records", token: stranger,
                                                  body: ["kind": "site_check", "title": "x", "occurred_on": "2026-01-02"])
            #expect(intrusion.status == .notFound)
            let elsewhere = try await client.json(.post, "/api/v1/verification/plans", token: stranger,
                                                  body: ReportFixtures.planBody(organisationID: mine))
            #expect(elsewhere.status.code == 422 && field(elsewhere.body, "error", "code") as? String == "unknown_reference")
            // The analyst reads plans but may not record findings (verification:review).
            #expect(try await client.json(.get, "/api/v1/verification/plans/\(planID)", token: analyst).status == .ok)
            let record = try await client.json(.post, "/api/v1/verification/plans/\(planID)/records", token: analyst,
                                               body: ["kind": "site_check", "title": "x", "occurred_on": "2026-01-02"])
            #expect(record.status == .forbidden)
            #expect(try await app.count("verification_records") == 3)
        }
        await app.close()
    }
}
