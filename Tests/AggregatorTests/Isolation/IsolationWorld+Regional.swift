import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

extension IsolationWorld {
    /// The smallest regional model CarbonCore calculates: one county with one enterprise report.
    static func regionalModel(_ name: String) -> [String: Any] {
        ["name": name, "nodes": [["id": "county", "level": "county", "years": ["2022": ["enterprise_reports": [
            ["name": "plant", "scope1_emissions": ["value": "1000", "unit": "tCO2"],
             "purchased_electricity": ["value": "0", "unit": "MWh"]],
        ]]]]]]
    }

    /// A tenant's regional account on its group, calculated once (so version 1 exists).
    static var regionalSeed: Seed { { tenant, root, client in
        let account = try await client.json(.post, "/api/v1/regional-accounts", token: root, body: [
            "organisation_id": tenant.groupID, "name": "\(tenant.label) region", "model": regionalModel(tenant.label),
        ])
        let id = try #require(field(account.body, "id") as? String, "\(account.raw)")
        tenant.objects["regional_account"] = [id]
        let calculated = try await client.json(.post, "/api/v1/regional-accounts/\(id)/calculate", token: root)
        #expect(calculated.status == .ok, "\(calculated.raw)")
    } }
}
