import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

extension IsolationWorld {
    /// Each tenant's product data: a supplier (at the group) with a declared footprint, a product
    /// at the first site with a footprint version and a label, and a second product without
    /// versions (the one the DELETE positive control removes).
    static var productsSeed: Seed { { tenant, root, client in
        let label = tenant.label
        let (supplierID, supplierProductID) = try await ProductFixture.supplier(
            client, token: root, organisationID: tenant.groupID, name: "\(label) supplier")
        var products: [String] = []
        for (index, code) in ["\(label)-KETTLE", "\(label)-SPARE"].enumerated() {
            let created = try await client.json(.post, "/api/v1/products", token: root, body: ProductFixture.kettle(
                organisationID: tenant.siteIDs[index], supplierProductID: supplierProductID, name: "\(label) kettle \(index)",
                code: code))
            products.append(try #require(field(created.body, "id") as? String, "\(created.raw)"))
        }
        let footprint = try await client.json(.post, "/api/v1/products/\(products[0])/footprints", token: root)
        let footprintID = try #require(field(footprint.body, "id") as? String, "\(footprint.raw)")
        let issued = try await client.json(.post, "/api/v1/products/\(products[0])/labels", token: root,
                                           body: ["footprint_id": footprintID, "verifier": "\(label) verifier"])
        tenant.objects["supplier"] = [supplierID]
        tenant.objects["supplier-product"] = [supplierProductID]
        tenant.objects["product"] = products
        tenant.objects["footprint"] = [footprintID]
        tenant.objects["label"] = [try #require(field(issued.body, "id") as? String, "\(issued.raw)")]
    } }
}
