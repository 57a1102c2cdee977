import NIOCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Verification plans, records and reports made through the API, for the report suites.
enum ReportFixtures {
    static let hostile = "<script>alert('x')</script> \"quoted\" & <b>bold</b>"

    static func planBody(organisationID: String, title: String = "FY2025 inventory verification") -> [String: Any] {
        ["organisation_id": organisationID, "title": title, "subject_kind": "inventory_version",
         "subject_id": "inv-2025-v3", "scope": "Scope 1 and 2 emissions of all sites, calendar year 2025",
         "method": "Document review and site visit", "standard": "GB/T 32150-2015",
         "starts_on": "2026-01-05", "ends_on": "2026-02-20",
         "schedule": [["activity": "Kick-off", "date": "2026-01-05"], ["activity": "Site visit", "date": "2026-01-20"]],
         "team": [["name": "Li Wei", "role": "lead verifier"], ["name": "Anna Berg", "role": "technical reviewer"]]]
    }

    /// A plan with one record of each kind (the finding's text is hostile HTML); returns its id.
    static func plan(_ client: some TestClientProtocol, token: String, organisationID: String,
                     title: String = "FY2025 inventory verification") async throws -> String {
        let plan = try await client.json(.post, "/api/v1/verification/plans", token: token,
                                         body: planBody(organisationID: organisationID, title: title))
        #expect(plan.status == .created, "\(plan.raw)")
        let id = try #require(field(plan.body, "id") as? String, "\(plan.raw)")
        let records: [[String: Any]] = [
            ["kind": "data_collection", "title": "Gas meter readings, Jan–Dec", "occurred_on": "2026-01-08",
             "description": "Monthly totals, 12 of 12", "evidence": [["reference": "DOC-17", "description": "meter log"]]],
            ["kind": "site_check", "title": "Boiler house visit", "occurred_on": "2026-01-20",
             "description": "Meter seals intact"],
            ["kind": "finding", "title": "Missing calibration certificate", "occurred_on": "2026-01-20",
             "severity": "high", "description": hostile, "evidence": [["reference": "=HYPERLINK(\"http://x\")"]]],
        ]
        for record in records {
            let reply = try await client.json(.post, "/api/v1/verification/plans/\(id)/records", token: token, body: record)
            #expect(reply.status == .created, "\(reply.raw)")
        }
        return id
    }

    static func report(_ client: some TestClientProtocol, token: String, planID: String,
                       templateID: String = BuiltInTemplates.verificationID) async throws -> [String: Any] {
        let reply = try await client.json(.post, "/api/v1/reports", token: token, body: [
            "template_id": templateID, "source_kind": "verification", "source_id": planID,
        ])
        #expect(reply.status == .created, "\(reply.raw)")
        return reply.body as? [String: Any] ?? [:]
    }

    static func raw(_ client: some TestClientProtocol, _ uri: String, token: String) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, bytes: [UInt8])
    {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            (response.status, response.headers, Array(response.body.readableBytesView))
        }
    }
}
