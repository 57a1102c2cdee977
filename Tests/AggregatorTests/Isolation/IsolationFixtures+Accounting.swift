import Foundation
import HTTPTypes

@testable import Aggregator

extension IsolationFixtures {
    static var accounting: [String: RouteFixture] {
        func inventories(_ t: IsolationTenant) -> [String] { t.ids("inventory") + random }
        return [
            "GET /api/v1/inventory-mappings": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/inventory-mappings"),
                                Probe(uri: "/api/v1/inventory-mappings?organisation_id=\(t.groupID)")] },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/inventory-mappings") })),
            "POST /api/v1/inventory-mappings": RouteFixture(
                probes: { t in t.organisationIDs.map {
                    Probe(uri: "/api/v1/inventory-mappings", body: [
                        "organisation_id": $0, "source": ["id": "intruder", "kind": "purchased_electricity"],
                        "series_id": Int(t.id("series", 0)) ?? 0, "unit": "MWh", "conversion": "1"])
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/inventory-mappings", body: [
                        "organisation_id": own.groupID, "source": ["id": "grid", "kind": "purchased_electricity"],
                        "series_id": Int(own.id("series", 1)) ?? 0, "unit": "MWh", "conversion": "0.001"])
                })),
            "DELETE /api/v1/inventory-mappings/:id": RouteFixture(
                probes: { t in (t.ids("mapping") + random).map { Probe(uri: "/api/v1/inventory-mappings/\($0)") } },
                positive: (.noContent, { own in Probe(uri: "/api/v1/inventory-mappings/\(own.id("mapping"))") })),
            "GET /api/v1/inventories": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/inventories"), Probe(uri: "/api/v1/inventories?organisation_id=\(t.groupID)"),
                                Probe(uri: "/api/v1/inventories?year=2025")] },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/inventories") })),
            "POST /api/v1/inventories": RouteFixture(
                probes: { t in (t.organisationIDs + random).map {
                    Probe(uri: "/api/v1/inventories", body: ["organisation_id": $0, "name": "intruder", "reporting_year": 2025])
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/inventories", body: ["organisation_id": own.siteIDs[0], "name": "site", "reporting_year": 2025])
                })),
            "GET /api/v1/inventories/:id": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))") })),
            "PATCH /api/v1/inventories/:id": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)", body: ["name": "pwned"]) } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))", body: ["name": "renamed"]) })),
            "POST /api/v1/inventories/:id/activity-import": RouteFixture(
                probes: { t in inventories(t).map {
                    Probe(uri: "/api/v1/inventories/\($0)/activity-import",
                          body: ["rows": [["source_id": "\(t.lower)-gis", "value": "1", "unit": "kg"]]])
                } },
                positive: (.ok, { own in
                    Probe(uri: "/api/v1/inventories/\(own.id("inventory"))/activity-import",
                          body: ["rows": [["source_id": "\(own.lower)-gis", "value": "6", "unit": "kg"]]])
                })),
            "POST /api/v1/inventories/:id/calculate": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)/calculate") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))/calculate") })),
            "GET /api/v1/inventories/:id/versions": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)/versions") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))/versions") })),
            "GET /api/v1/inventories/:id/versions/:number": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)/versions/1") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))/versions/1") })),
            "POST /api/v1/inventories/:id/versions/:number/approve": RouteFixture(
                probes: { t in inventories(t).map { Probe(uri: "/api/v1/inventories/\($0)/versions/1/approve") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/inventories/\(own.id("inventory"))/versions/1/approve") })),
            "GET /api/v1/factors": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/factors?parameter=process_factor"),
                                Probe(uri: "/api/v1/factors?organisation_id=\(t.groupID)")] },
                listsOnly: true, positive: (.ok, { _ in Probe(uri: "/api/v1/factors?fuel=natural_gas") })),
            "POST /api/v1/factors": RouteFixture(
                probes: { t in (t.organisationIDs + random).map {
                    Probe(uri: "/api/v1/factors", body: ["organisation_id": $0, "factor": [
                        "factor_id": "INTRUDER", "parameter": "ncv", "value": "1", "unit": "GJ/t"]])
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/factors", body: ["organisation_id": own.siteIDs[0], "factor": [
                        "factor_id": "SITE-OWN", "parameter": "process_factor", "subject": "site_material", "value": "1",
                        "unit": "tCO2/t"]])
                })),
        ]
    }
}
