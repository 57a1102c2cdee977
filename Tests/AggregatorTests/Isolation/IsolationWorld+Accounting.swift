import CarbonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

extension IsolationWorld {
    /// A tenant's accounting objects, made by the platform administrator: a mapping of its flow
    /// series to a combustion source of its group, an inventory with a manual source, one
    /// calculated version (so the tenant's own administrator can approve it), and an own factor.
    static var accountingSeed: Seed { { tenant, root, client in
        let label = tenant.label, lower = tenant.lower
        let source: [String: Any] = [
            "id": "\(lower)-boiler", "kind": "combustion", "fuel": "natural_gas", "name": "\(label) boiler",
            "ncv": ["value": "389.31", "unit": "GJ/10^4Nm3"], "carbon_content": ["value": "0.0153", "unit": "tC/GJ"],
            "oxidation": "0.99",
        ]
        let mapping = try await client.json(.post, "/api/v1/inventory-mappings", token: root, body: [
            "organisation_id": tenant.groupID, "source": source, "series_id": Int(tenant.id("series", 0)) ?? 0,
            "unit": "Nm3", "conversion": "1",
        ])
        tenant.objects["mapping"] = [try #require(field(mapping.body, "id") as? String, "\(mapping.raw)")]
        let inventory = try await client.json(.post, "/api/v1/inventories", token: root, body: [
            "organisation_id": tenant.groupID, "name": "\(label) inventory", "reporting_year": 2025,
            "sources": [["id": "\(lower)-gis", "kind": "fugitive", "gas": "SF6", "quantity": ["value": "5", "unit": "kg"]]],
        ])
        let id = try #require(field(inventory.body, "id") as? String, "\(inventory.raw)")
        tenant.objects["inventory"] = [id]
        let calculated = try await client.json(.post, "/api/v1/inventories/\(id)/calculate", token: root)
        #expect(calculated.status == .ok, "\(calculated.raw)")
        let factor = try await client.json(.post, "/api/v1/factors", token: root, body: [
            "organisation_id": tenant.groupID,
            "factor": ["factor_id": "\(label)-OWN-EF", "parameter": "process_factor", "subject": "\(lower)_material",
                       "value": "0.5", "unit": "tCO2/t", "name": "\(label) own factor"],
        ])
        #expect(factor.status == .created, "\(factor.raw)")
    } }
}
