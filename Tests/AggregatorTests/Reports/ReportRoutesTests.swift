import HTTPTypes
import CarbonCore
import Foundation
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct ReportRoutesTests {
    /// Plan → records → report → review (the author may not approve) → published → frozen.
    @Test(arguments: TestBackend.enabled)
    func aVerificationReportGoesThroughFourEyesReviewAndIsFrozenWhenPublished(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.person("reviewer", .administrator, at: app.rootID)
        try await app.person("analyst", .analyst, at: app.rootID)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let reviewer = try await client.login("reviewer", TestApp.adminPassword)
            let analyst = try await client.login("analyst", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let report = try await ReportFixtures.report(client, token: admin, planID: planID)
            let id = try #require(report["id"] as? String)
            #expect(report["state"] as? String == "draft" && report["author_id"] as? String == app.adminID)
            let html = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html", token: admin)
            #expect(html.status == .ok)
            let text = String(decoding: html.bytes, as: UTF8.self)
            #expect(text.contains("核查报告 Verification Report") && text.contains("GB/T 32150-2015"))
            #expect(text.contains("Missing calibration certificate") && text.contains("Anna Berg"))
            #expect(ReportDigest.sha256(html.bytes) == report["html_sha256"] as? String)

            // Approving a draft is out of order; after submission the author still may not approve.
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/approve", token: reviewer).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/submit", token: admin).status == .ok)
            let own = try await client.json(.post, "/api/v1/reports/\(id)/approve", token: admin)
            #expect(own.status == .forbidden && field(own.body, "error", "code") as? String == "four_eyes", "\(own.raw)")
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/approve", token: analyst).status == .forbidden)
            let editInReview = try await client.json(.patch, "/api/v1/reports/\(id)", token: admin, body: ["title": "x"])
            #expect(editInReview.status == .conflict)

            // Returned with a reason, edited, submitted again, approved by another person, published.
            let returned = try await client.json(.post, "/api/v1/reports/\(id)/return", token: reviewer,
                                                 body: ["reason": "Add the site check photos"])
            #expect(returned.status == .ok && field(returned.body, "state") as? String == "draft")
            #expect(field(returned.body, "return_reason") as? String == "Add the site check photos")
            let edited = try await client.json(.patch, "/api/v1/reports/\(id)", token: admin,
                                               body: ["title": "FY2025 verification (rev. 2)"])
            #expect(edited.status == .ok && field(edited.body, "title") as? String == "FY2025 verification (rev. 2)")
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/submit", token: admin).status == .ok)
            let approved = try await client.json(.post, "/api/v1/reports/\(id)/approve", token: reviewer)
            #expect(approved.status == .ok && field(approved.body, "state") as? String == "approved")
            let published = try await client.json(.post, "/api/v1/reports/\(id)/publish", token: admin)
            #expect(published.status == .ok && field(published.body, "state") as? String == "published")
            let digest = try #require(field(published.body, "html_sha256") as? String)

            // Frozen: every edit and transition is 409 and the bytes keep their digest.
            let edit = try await client.json(.patch, "/api/v1/reports/\(id)", token: admin, body: ["title": "changed"])
            #expect(edit.status == .conflict && field(edit.body, "error", "code") as? String == "report_published")
            #expect(try await client.json(.patch, "/api/v1/reports/\(id)", token: admin, body: [:]).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/submit", token: admin).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/reports/\(id)/return", token: reviewer,
                                          body: ["reason": "again"]).status == .conflict)
            let after = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html", token: admin)
            #expect(ReportDigest.sha256(after.bytes) == digest)
            #expect(String(decoding: after.bytes, as: UTF8.self).contains("FY2025 verification (rev. 2)"))
            for action in ["reports.create", "reports.update", "reports.return", "reports.approve", "reports.publish"] {
                #expect(try await app.auditRecords(action).count == 1, "\(action)")
            }
            #expect(try await app.auditRecords("reports.submit").count == 2)
            let denials = try await app.database.read { try $0.query("SELECT * FROM audit_log WHERE outcome = 'denied'") }
            #expect(denials.count >= 2, "the four-eyes and permission refusals are audited")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func hostileDataIsEscapedInHTMLAndNeutralisedInCSV(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID,
                                                       title: "<img src=x onerror=alert(1)>")
            let id = try #require(try await ReportFixtures.report(client, token: admin, planID: planID)["id"] as? String)
            let html = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html", token: admin)
            let text = String(decoding: html.bytes, as: UTF8.self)
            #expect(!text.contains("<script>alert") && !text.contains("<img src=x") && !text.contains("<b>bold"))
            #expect(text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || text.contains("&lt;script&gt;"))
            #expect(text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(html.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

            let csv = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.csv", token: admin)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = String(decoding: csv.bytes, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines[0] == "record_id,kind,occurred_on,title,description,severity,resolution,resolution_note,evidence")
            #expect(lines.count == 5 && lines[4].isEmpty, "header, three records, final line break")
            let finding = try #require(lines.first { $0.contains(",finding,") })
            #expect(finding.contains(",\"<script>alert('x')</script> \"\"quoted\"\" & <b>bold</b>\",high,open,,"))
            #expect(finding.hasSuffix(",\"'=HYPERLINK(\"\"http://x\"\")\""), "formula neutralised: \(finding)")
            let dataRow = try #require(lines.first { $0.contains(",data_collection,") })
            #expect(dataRow.contains(",Gas meter readings, Jan–Dec,") == false && dataRow.contains("\"Gas meter readings, Jan–Dec\""))
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func organisationsCustomiseTemplatesAndABrokenOneIsRefusedNamingItsLine(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let site = try await app.organisation("Plant", under: app.rootID)
        let other = try await app.organisation("Other", under: app.rootID)
        try await app.person("other-admin", .administrator, at: other)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let stranger = try await client.login("other-admin", TestApp.adminPassword)
            let broken = try await client.json(.post, "/api/v1/report-templates", token: admin, body: [
                "organisation_id": site, "name": "broken", "body": "<h1>{{report.title}}</h1>\n<p>ok</p>\n{{#findings}}<p>{{title}}</p>\n",
            ])
            #expect(broken.status.code == 422, "\(broken.raw)")
            #expect(field(broken.body, "error", "field") as? String == "body")
            let message = field(broken.body, "error", "message") as? String ?? ""
            #expect(message.contains("line "), "\(message)")
            let raw = try await client.json(.post, "/api/v1/report-templates", token: admin, body: [
                "organisation_id": site, "name": "raw", "body": "<p>ok</p>\n<p>{{{plan.title}}}</p>",
            ])
            #expect(raw.status.code == 422 && (field(raw.body, "error", "message") as? String ?? "").contains("line 2"))
            #expect(try await app.count("report_templates") == 0)

            let custom = try await client.json(.post, "/api/v1/report-templates", token: admin, body: [
                "organisation_id": site, "name": "short", "source_kind": "verification",
                "body": "<h1>Plant {{report.title}}</h1>{{#findings}}<li>{{severity}}: {{title}}</li>{{/findings}}",
            ])
            #expect(custom.status == .created, "\(custom.raw)")
            let templateID = try #require(field(custom.body, "id") as? String)
            let list = try await client.json(.get, "/api/v1/report-templates", token: admin)
            #expect((list.body as? [[String: Any]] ?? []).count == BuiltInTemplates.all.count + 1)
            #expect(try await client.json(.get, "/api/v1/report-templates/\(templateID)", token: stranger).status == .notFound)
            let changed = try await client.json(.patch, "/api/v1/report-templates/\(templateID)", token: admin,
                                                body: ["body": "<h1>Plant {{report.title}}</h1>\n{{#findings}}<li>{{severity}}: {{title}}</li>{{/findings}}\n"])
            #expect(changed.status == .ok)
            let builtIn = try await client.json(.patch, "/api/v1/report-templates/\(BuiltInTemplates.verificationID)",
                                                token: admin, body: ["name": "mine"])
            #expect(builtIn.status == .conflict)

            // The site's template is used for the site's plan, not for a plan of the root.
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: site)
            let report = try await ReportFixtures.report(client, token: admin, planID: planID, templateID: templateID)
            let id = try #require(report["id"] as? String)
            let html = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html", token: admin)
            #expect(String(decoding: html.bytes, as: UTF8.self).hasPrefix("<h1>Plant FY2025 inventory verification</h1>\n<li>high: Missing calibration certificate</li>"))
            let rootPlan = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let mismatch = try await client.json(.post, "/api/v1/reports", token: admin, body: [
                "template_id": templateID, "source_kind": "verification", "source_id": rootPlan])
            #expect(mismatch.status.code == 422 && field(mismatch.body, "error", "field") as? String == "template_id")
            let wrongKind = try await client.json(.post, "/api/v1/reports", token: admin, body: [
                "template_id": BuiltInTemplates.inventoryID, "source_kind": "verification", "source_id": rootPlan])
            #expect(wrongKind.status.code == 422)
            let unknownKind = try await client.json(.post, "/api/v1/reports", token: admin, body: [
                "template_id": BuiltInTemplates.inventoryID, "source_kind": "spaceships", "source_id": rootPlan])
            #expect(unknownKind.status.code == 422 && field(unknownKind.body, "error", "field") as? String == "source_kind")
            // The stranger can neither see the report nor make one from the plan.
            #expect(try await client.json(.get, "/api/v1/reports/\(id)", token: stranger).status == .notFound)
            #expect(try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.csv", token: stranger).status == .notFound)
            let steal = try await client.json(.post, "/api/v1/reports", token: stranger, body: [
                "template_id": BuiltInTemplates.verificationID, "source_kind": "verification", "source_id": planID])
            #expect(steal.status.code == 422 && field(steal.body, "error", "field") as? String == "source_id")
            #expect((try await client.json(.get, "/api/v1/reports", token: stranger).body as? [Any])?.isEmpty == true)
            #expect(try await client.json(.delete, "/api/v1/report-templates/\(templateID)", token: stranger).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/report-templates/\(templateID)", token: admin).status == .noContent)
            #expect(try await app.auditRecords("reports.templates.delete").count == 1)
        }
        await app.close()
    }

    /// The built-in inventory template with the context an inventory source gives (the lead's
    /// source will produce it): totals and per-source rows with formula trails, escaped.
    @Test func theInventoryTemplateFitsAnInventoryResult() throws {
        let context = ReportValue.object([
            "report": .object(["title": .text("2025 inventory"), "organisation": .text("Plant <1>")]),
            "inventory": .object(["name": .text("Plant 1"), "version": .text("3"), "period": .text("2025"),
                                  "method": .text("GB/T 32151.1")]),
            "totals": .list([.object(["label": .text("Scope 1"), "value": .text("1234.5"), "unit": .text("tCO2e")])]),
            "rows": .list([.object(["source": .text("Natural gas"), "activity": .text("100000"), "unit": .text("Nm3"),
                                    "factor": .text("0.0021650"), "emissions": .text("216.5"),
                                    "steps": .list([.object(["label": .text("E"), "formula": .text("AD × EF"),
                                                             "substitution": .text("100000 Nm3 × 0.0021650 tCO2/Nm3"),
                                                             "result": .text("216.5 tCO2")])])])]),
        ])
        let html = ReportRenderer.html(ReportRenderer.compileBuiltIn(BuiltInTemplates.inventory), context: context)
        #expect(html.contains("温室气体排放报告 GHG Inventory Report") && html.contains("Plant &lt;1&gt;"))
        #expect(html.contains("<td>1234.5</td>") && html.contains("<td>100000 Nm3 × 0.0021650 tCO2/Nm3</td><td>216.5 tCO2 </td>"))
        for entry in BuiltInTemplates.all { _ = try ReportRenderer.compile(entry.body) }  // built-ins pass the custom rules
    }
}
