import Foundation
import HTTPTypes

@testable import Aggregator

extension IsolationFixtures {
    /// Verification plans and records, report templates and reports: B's ids (and random ones)
    /// by A's people, in paths and in bodies.
    static var reports: [String: RouteFixture] {
        func each(_ ids: @escaping (IsolationTenant) -> [String], _ uri: @escaping (String) -> String,
                  body: Any? = nil) -> (IsolationTenant) -> [Probe] {
            { t in (ids(t) + random).map { Probe(uri: uri($0), body: body) } }
        }
        let reports = { (t: IsolationTenant) in IsolationWorld.reportIDs(t) }
        let pdfPositive: (status: HTTPResponse.Status, probe: (IsolationTenant) -> Probe)? =
            PDFRenderer().executable == nil ? nil
            : (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-draft"))/content.pdf") })
        return [
            "GET /api/v1/verification/plans": RouteFixture(
                probes: { _ in [Probe(uri: "/api/v1/verification/plans")] }, listsOnly: true,
                positive: (.ok, { _ in Probe(uri: "/api/v1/verification/plans") })),
            "POST /api/v1/verification/plans": RouteFixture(
                probes: { t in t.organisationIDs.map { Probe(uri: "/api/v1/verification/plans",
                                                             body: ReportFixtures.planBody(organisationID: $0)) } },
                positive: (.created, { own in Probe(uri: "/api/v1/verification/plans",
                                                    body: ReportFixtures.planBody(organisationID: own.siteIDs[1])) })),
            "GET /api/v1/verification/plans/:id": RouteFixture(
                probes: each({ $0.ids("plan") }, { "/api/v1/verification/plans/\($0)" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/verification/plans/\(own.id("plan"))") })),
            "GET /api/v1/verification/plans/:id/records": RouteFixture(
                probes: each({ $0.ids("plan") }, { "/api/v1/verification/plans/\($0)/records" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/verification/plans/\(own.id("plan"))/records") })),
            "POST /api/v1/verification/plans/:id/records": RouteFixture(
                probes: each({ $0.ids("plan") }, { "/api/v1/verification/plans/\($0)/records" },
                             body: ["kind": "site_check", "title": "intruder", "occurred_on": "2026-01-02"]),
                positive: (.created, { own in Probe(uri: "/api/v1/verification/plans/\(own.id("plan"))/records",
                                                    body: ["kind": "site_check", "title": "visit", "occurred_on": "2026-01-02"]) })),
            "PATCH /api/v1/verification/records/:id": RouteFixture(
                probes: each({ $0.ids("finding") }, { "/api/v1/verification/records/\($0)" }, body: ["resolution": "accepted"]),
                positive: (.ok, { own in Probe(uri: "/api/v1/verification/records/\(own.id("finding"))",
                                               body: ["resolution": "resolved"]) })),

            "GET /api/v1/report-templates": RouteFixture(
                probes: { _ in [Probe(uri: "/api/v1/report-templates")] }, listsOnly: true,
                positive: (.ok, { _ in Probe(uri: "/api/v1/report-templates") })),
            "POST /api/v1/report-templates": RouteFixture(
                probes: { t in t.organisationIDs.map { Probe(uri: "/api/v1/report-templates",
                                                             body: ["organisation_id": $0, "name": "intruder", "body": "x"]) } },
                positive: (.created, { own in Probe(uri: "/api/v1/report-templates",
                                                    body: ["organisation_id": own.groupID, "name": "new", "body": "<p>{{plan.title}}</p>"]) })),
            "GET /api/v1/report-templates/:id": RouteFixture(
                probes: each({ $0.ids("template") }, { "/api/v1/report-templates/\($0)" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/report-templates/\(own.id("template"))") })),
            "PATCH /api/v1/report-templates/:id": RouteFixture(
                probes: each({ $0.ids("template") }, { "/api/v1/report-templates/\($0)" }, body: ["name": "pwned"]),
                positive: (.ok, { own in Probe(uri: "/api/v1/report-templates/\(own.id("template"))",
                                               body: ["description": "changed"]) })),
            "DELETE /api/v1/report-templates/:id": RouteFixture(
                probes: each({ $0.ids("template") }, { "/api/v1/report-templates/\($0)" }),
                positive: (.noContent, { own in Probe(uri: "/api/v1/report-templates/\(own.id("template"))") })),

            "GET /api/v1/reports": RouteFixture(
                probes: { _ in [Probe(uri: "/api/v1/reports")] }, listsOnly: true,
                positive: (.ok, { _ in Probe(uri: "/api/v1/reports") })),
            "POST /api/v1/reports": RouteFixture(
                probes: { t in t.ids("plan").flatMap { plan in
                    [BuiltInTemplates.verificationID, t.id("template")].map {
                        Probe(uri: "/api/v1/reports", body: ["template_id": $0, "source_kind": "verification", "source_id": plan])
                    }
                } },
                positive: (.created, { own in Probe(uri: "/api/v1/reports", body: [
                    "template_id": own.id("template"), "source_kind": "verification", "source_id": own.id("plan")]) })),
            "GET /api/v1/reports/:id": RouteFixture(
                probes: each(reports, { "/api/v1/reports/\($0)" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-draft"))") })),
            "PATCH /api/v1/reports/:id": RouteFixture(
                probes: each(reports, { "/api/v1/reports/\($0)" }, body: ["title": "pwned"]),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-draft"))", body: ["title": "renamed"]) })),
            "GET /api/v1/reports/:id/content.html": RouteFixture(
                probes: each(reports, { "/api/v1/reports/\($0)/content.html" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-draft"))/content.html") })),
            "GET /api/v1/reports/:id/content.csv": RouteFixture(
                probes: each(reports, { "/api/v1/reports/\($0)/content.csv" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-draft"))/content.csv") })),
            "GET /api/v1/reports/:id/content.pdf": RouteFixture(
                probes: each(reports, { "/api/v1/reports/\($0)/content.pdf" }), positive: pdfPositive),
            "POST /api/v1/reports/:id/submit": RouteFixture(
                probes: each({ $0.ids("report-submit") + $0.ids("report-draft") }, { "/api/v1/reports/\($0)/submit" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-submit"))/submit") })),
            "POST /api/v1/reports/:id/approve": RouteFixture(
                probes: each({ $0.ids("report-review") }, { "/api/v1/reports/\($0)/approve" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-review"))/approve") })),
            "POST /api/v1/reports/:id/return": RouteFixture(
                probes: each({ $0.ids("report-return") }, { "/api/v1/reports/\($0)/return" }, body: ["reason": "intruder"]),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-return"))/return",
                                               body: ["reason": "needs photos"]) })),
            "POST /api/v1/reports/:id/publish": RouteFixture(
                probes: each({ $0.ids("report-approved") }, { "/api/v1/reports/\($0)/publish" }),
                positive: (.ok, { own in Probe(uri: "/api/v1/reports/\(own.id("report-approved"))/publish") })),
        ]
    }
}
