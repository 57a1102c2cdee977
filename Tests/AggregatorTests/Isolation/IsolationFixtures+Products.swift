import Foundation
import HTTPTypes

@testable import Aggregator

extension IsolationFixtures {
    /// Products, suppliers, footprint versions and labels: B's ids in paths and in bodies.
    static var products: [String: RouteFixture] {
        func kettle(_ t: IsolationTenant, organisation: String?, code: String) -> [String: Any] {
            ProductFixture.kettle(organisationID: organisation, supplierProductID: t.id("supplier-product"),
                                  name: "\(t.lower) probe", code: code)
        }
        let declared: [String: Any] = ["name": "probe", "value": "1", "unit": "kgCO2e/kg", "method": "m", "year": 2024]
        return [
            "GET /api/v1/products": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/products")] }, listsOnly: true,
                                                 positive: (.ok, { _ in Probe(uri: "/api/v1/products") })),
            "POST /api/v1/products": RouteFixture(
                probes: { t in (t.organisationIDs + random).map {
                    Probe(uri: "/api/v1/products", body: kettle(t, organisation: $0, code: "P-\($0.prefix(8))"))
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/products", body: kettle(own, organisation: own.siteIDs[2], code: "POSITIVE"))
                })),
            "GET /api/v1/products/:id": RouteFixture(
                probes: { t in (t.ids("product") + random).map { Probe(uri: "/api/v1/products/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/products/\(own.id("product"))") })),
            "PUT /api/v1/products/:id": RouteFixture(
                probes: { t in (t.ids("product") + random).map {
                    Probe(uri: "/api/v1/products/\($0)", body: kettle(t, organisation: nil, code: "TAKEN"))
                } },
                positive: (.ok, { own in
                    Probe(uri: "/api/v1/products/\(own.id("product"))", body: kettle(own, organisation: nil, code: "RENAMED"))
                })),
            "DELETE /api/v1/products/:id": RouteFixture(
                probes: { t in (t.ids("product") + random).map { Probe(uri: "/api/v1/products/\($0)") } },
                positive: (.noContent, { own in Probe(uri: "/api/v1/products/\(own.id("product", 1))") })),
            "GET /api/v1/suppliers": RouteFixture(probes: { _ in [Probe(uri: "/api/v1/suppliers")] }, listsOnly: true,
                                                  positive: (.ok, { _ in Probe(uri: "/api/v1/suppliers") })),
            "POST /api/v1/suppliers": RouteFixture(
                probes: { t in (t.organisationIDs + random).map {
                    Probe(uri: "/api/v1/suppliers", body: ["organisation_id": $0, "name": "intruder supplier"])
                } },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/suppliers", body: ["organisation_id": own.siteIDs[1], "name": "second supplier"])
                })),
            "GET /api/v1/suppliers/:id": RouteFixture(
                probes: { t in (t.ids("supplier") + random).map { Probe(uri: "/api/v1/suppliers/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/suppliers/\(own.id("supplier"))") })),
            "POST /api/v1/suppliers/:id/products": RouteFixture(
                probes: { t in (t.ids("supplier") + random).map { Probe(uri: "/api/v1/suppliers/\($0)/products", body: declared) } },
                positive: (.created, { own in Probe(uri: "/api/v1/suppliers/\(own.id("supplier"))/products", body: declared) })),
            "POST /api/v1/products/:id/footprints": RouteFixture(
                probes: { t in (t.ids("product") + random).map { Probe(uri: "/api/v1/products/\($0)/footprints") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/products/\(own.id("product"))/footprints") })),
            "GET /api/v1/products/:id/footprints": RouteFixture(
                probes: { t in (t.ids("product") + random).map { Probe(uri: "/api/v1/products/\($0)/footprints") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/products/\(own.id("product"))/footprints") })),
            "GET /api/v1/products/:id/footprints/:footprint": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/products/\(t.id("product"))/footprints/\(t.id("footprint"))"),
                                Probe(uri: "/api/v1/products/\(t.id("product"))/footprints/\(random[0])")] },
                positive: (.ok, { own in Probe(uri: "/api/v1/products/\(own.id("product"))/footprints/\(own.id("footprint"))") })),
            "POST /api/v1/products/:id/labels": RouteFixture(
                probes: { t in [Probe(uri: "/api/v1/products/\(t.id("product"))/labels", body: ["footprint_id": t.id("footprint")]),
                                Probe(uri: "/api/v1/products/\(random[0])/labels", body: ["footprint_id": t.id("footprint")])] },
                positive: (.created, { own in
                    Probe(uri: "/api/v1/products/\(own.id("product"))/labels", body: ["footprint_id": own.id("footprint")])
                })),
            "GET /api/v1/labels/:id": RouteFixture(
                probes: { t in (t.ids("label") + random).map { Probe(uri: "/api/v1/labels/\($0)") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/labels/\(own.id("label"))") })),
            "GET /api/v1/labels/:id/verify": RouteFixture(
                probes: { t in (t.ids("label") + random).map { Probe(uri: "/api/v1/labels/\($0)/verify") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/labels/\(own.id("label"))/verify") })),
            "GET /api/v1/labels/:id/label.svg": RouteFixture(
                probes: { t in (t.ids("label") + random).map { Probe(uri: "/api/v1/labels/\($0)/label.svg") } },
                positive: (.ok, { own in Probe(uri: "/api/v1/labels/\(own.id("label"))/label.svg") })),
        ]
    }
}
