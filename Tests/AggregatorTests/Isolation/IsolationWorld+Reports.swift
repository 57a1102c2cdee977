import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

extension IsolationWorld {
    /// Each tenant's verification plan (with a finding), its own template, and reports in every
    /// state the workflow routes start from. The platform administrator authors them, so the
    /// tenant's administrator may approve (four eyes).
    static var reportsSeed: Seed {
        { tenant, root, client in
            let label = tenant.label, lower = tenant.lower
            let planID = try await ReportFixtures.plan(client, token: root, organisationID: tenant.siteIDs[0],
                                                       title: "\(label) verification")
            tenant.objects["plan"] = [planID]
            let records = try await client.json(.get, "/api/v1/verification/plans/\(planID)/records", token: root)
            tenant.objects["finding"] = (records.body as? [[String: Any]] ?? [])
                .filter { $0["kind"] as? String == "finding" }.compactMap { $0["id"] as? String }
            let template = try await client.json(.post, "/api/v1/report-templates", token: root, body: [
                "organisation_id": tenant.groupID, "name": "\(lower)-template", "source_kind": "verification",
                "body": "<h1>\(label) {{report.title}}</h1>",
            ])
            tenant.objects["template"] = [try #require(field(template.body, "id") as? String, "\(template.raw)")]
            var reports: [String: String] = [:]
            for name in ["draft", "submit", "review", "return", "approved"] {
                let report = try await ReportFixtures.report(client, token: root, planID: planID)
                reports[name] = try #require(report["id"] as? String)
            }
            for name in ["review", "return", "approved"] {
                #expect(try await client.json(.post, "/api/v1/reports/\(reports[name]!)/submit", token: root).status == .ok)
            }
            let approved = try await client.json(.post, "/api/v1/reports/\(reports["approved"]!)/approve",
                                                 token: tenant.adminToken)
            #expect(approved.status == .ok, "\(approved.raw)")
            for (name, id) in reports { tenant.objects["report-\(name)"] = [id] }
        }
    }

    /// Every report of the tenant, whatever its state.
    static func reportIDs(_ tenant: IsolationTenant) -> [String] {
        ["draft", "submit", "review", "return", "approved"].flatMap { tenant.ids("report-\($0)") }
    }
}
