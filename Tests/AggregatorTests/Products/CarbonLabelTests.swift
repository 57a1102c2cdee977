import CarbonCore
import Crypto
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct CarbonLabelTests {
    /// Label data carries a hash a third party can recompute from the label and footprint replies;
    /// changing a stored figure is detected.
    @Test(arguments: TestBackend.enabled)
    func aLabelsHashIsRecomputableAndDetectsTampering(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let (productID, footprint) = try await Self.footprintedKettle(client, app: app, token: token)
            let footprintID = try #require(field(footprint.body, "id") as? String)
            let issued = try await client.json(.post, "/api/v1/products/\(productID)/labels", token: token,
                                               body: ["footprint_id": footprintID, "verifier": "CQC <Beijing> & Co", "decimals": 2])
            #expect(issued.status == .created, "\(issued.raw)")
            let labelID = try #require(field(issued.body, "id") as? String)
            let exact = try DecimalText.parse(try #require(field(footprint.body, "total_exact") as? String))
            #expect(field(issued.body, "value") as? String == DecimalText.format(exact, places: 2))
            #expect(field(issued.body, "unit") as? String == "kgCO2e")
            #expect(field(issued.body, "functional_unit") as? String == "1 unit")
            #expect(field(issued.body, "method") as? String == "ISO 14067:2018")

            // Recompute as a third party would: the documented fields of GET label + GET footprint result.
            let label = try await client.json(.get, "/api/v1/labels/\(labelID)", token: token)
            let keys = ["calculated_at", "footprint_id", "footprint_version", "functional_unit", "method", "product_code",
                        "product_id", "product_name", "unit", "value", "verifier"]
            let labelFields = (label.body as? [String: Any] ?? [:]).filter { keys.contains($0.key) }
            let result = try #require(field(footprint.body, "result") as? [String: Any])
            let document = try (["label": labelFields, "result": result] as [String: Any]).asJSONValue()
            let recomputed = SHA256.hash(data: Data(CanonicalJSON.text(document).utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(recomputed == field(label.body, "verification_hash") as? String)

            let verified = try await client.json(.get, "/api/v1/labels/\(labelID)/verify", token: token)
            #expect(field(verified.body, "valid") as? Bool == true, "\(verified.raw)")

            try await app.database.write { try $0.execute("UPDATE product_labels SET value = '0.01' WHERE id = $1", .text(labelID)) }
            let tampered = try await client.json(.get, "/api/v1/labels/\(labelID)/verify", token: token)
            #expect(field(tampered.body, "valid") as? Bool == false)
            try await app.database.write {
                try $0.execute("UPDATE product_labels SET value = $2 WHERE id = $1", .text(labelID),
                               .text(DecimalText.format(exact, places: 2)))
                try $0.execute("UPDATE product_footprints SET result = replace(result, '\"9.695\"', '\"8.695\"') WHERE id = $1",
                               .text(footprintID))
            }
            let resultTampered = try await client.json(.get, "/api/v1/labels/\(labelID)/verify", token: token)
            #expect(field(resultTampered.body, "valid") as? Bool == false, "\(resultTampered.raw)")
        }
        await app.close()
    }

    /// The SVG label is well-formed XML with the figure, and text from users is escaped.
    @Test(arguments: TestBackend.enabled)
    func theSVGLabelParsesAsXMLAndShowsTheFigure(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let (productID, footprint) = try await Self.footprintedKettle(client, app: app, token: token)
            let issued = try await client.json(.post, "/api/v1/products/\(productID)/labels", token: token, body: [
                "footprint_id": field(footprint.body, "id") as? String ?? "", "verifier": "\"Quote\" & 'apos' <tag>",
                "decimals": 1,
            ])
            let labelID = try #require(field(issued.body, "id") as? String, "\(issued.raw)")
            let svg = try await ProductFixture.raw(client, "/api/v1/labels/\(labelID)/label.svg", token: token)
            #expect(svg.status == .ok)
            #expect(svg.contentType?.hasPrefix("image/svg+xml") == true)
            let parser = XMLParser(data: Data(svg.body.utf8))
            #expect(parser.parse(), "not XML: \(parser.parserError.map { "\($0)" } ?? "") \(svg.body)")
            let value = try #require(field(issued.body, "value") as? String)
            #expect(svg.body.contains(">\(value)</text>"))
            #expect(svg.body.contains("产品碳足迹") && svg.body.contains("Product Carbon Footprint"))
            #expect(svg.body.contains("Electric kettle &lt;1.7 L&gt; &amp; lid"))
            #expect(svg.body.contains("&quot;Quote&quot; &amp; &apos;apos&apos; &lt;tag&gt;"))
            #expect(svg.body.contains(String((field(issued.body, "verification_hash") as? String ?? "x").prefix(16))))
        }
        await app.close()
    }

    /// Someone of another organisation sees none of it: 404 by id, empty lists, nothing written.
    @Test(arguments: TestBackend.enabled)
    func anotherOrganisationsUserGetsNotFound(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        let home = try await app.organisation("Home", under: app.rootID)
        let other = try await app.organisation("Other", under: app.rootID)
        try await app.person("home-admin", .administrator, at: home)
        try await app.person("other-admin", .administrator, at: other)
        try await app.application().test(.router) { client in
            let token = try await client.login("home-admin", TestApp.adminPassword)
            let (supplierID, supplierProductID) = try await ProductFixture.supplier(client, token: token, organisationID: home)
            let created = try await client.json(.post, "/api/v1/products", token: token,
                                                body: ProductFixture.kettle(organisationID: home, supplierProductID: supplierProductID))
            let productID = try #require(field(created.body, "id") as? String, "\(created.raw)")
            let footprint = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
            let footprintID = try #require(field(footprint.body, "id") as? String)
            let label = try await client.json(.post, "/api/v1/products/\(productID)/labels", token: token,
                                              body: ["footprint_id": footprintID])
            let labelID = try #require(field(label.body, "id") as? String)

            let intruder = try await client.login("other-admin", TestApp.adminPassword)
            for uri in ["/api/v1/products/\(productID)", "/api/v1/products/\(productID)/footprints",
                        "/api/v1/products/\(productID)/footprints/\(footprintID)", "/api/v1/suppliers/\(supplierID)",
                        "/api/v1/labels/\(labelID)", "/api/v1/labels/\(labelID)/verify", "/api/v1/labels/\(labelID)/label.svg"] {
                let reply = try await client.json(.get, uri, token: intruder)
                #expect(reply.status == .notFound, "\(uri): \(reply.raw)")
            }
            for (method, uri, body) in [(HTTPRequest.Method.post, "/api/v1/products/\(productID)/footprints", nil),
                                        (.post, "/api/v1/products/\(productID)/labels", ["footprint_id": footprintID]),
                                        (.put, "/api/v1/products/\(productID)",
                                         ProductFixture.kettle(organisationID: nil, supplierProductID: supplierProductID)),
                                        (.delete, "/api/v1/products/\(productID)", nil),
                                        (.post, "/api/v1/suppliers/\(supplierID)/products",
                                         ["name": "x", "value": "1", "unit": "kgCO2e/kg", "method": "m", "year": 2024])] as [(HTTPRequest.Method, String, Any?)] {
                let reply = try await client.json(method, uri, token: intruder, body: body)
                #expect(reply.status == .notFound, "\(method) \(uri): \(reply.raw)")
            }
            // Its own product may not use the other organisation's supplier product.
            let borrowing = try await client.json(.post, "/api/v1/products", token: intruder,
                                                  body: ProductFixture.kettle(organisationID: other, supplierProductID: supplierProductID))
            #expect(field(borrowing.body, "error", "field") as? String == "components[2].supplier_product_id")
            let products = try await client.json(.get, "/api/v1/products", token: intruder)
            let suppliers = try await client.json(.get, "/api/v1/suppliers", token: intruder)
            #expect((products.body as? [Any])?.isEmpty == true && (suppliers.body as? [Any])?.isEmpty == true)
            let footprintRows = try await app.count("product_footprints"), labelRows = try await app.count("product_labels")
            #expect(footprintRows == 1 && labelRows == 1)
        }
        await app.close()
    }

    static func footprintedKettle(_ client: some TestClientProtocol, app: TestApp, token: String) async throws
        -> (productID: String, footprint: (status: HTTPResponse.Status, body: Any, raw: String))
    {
        let (_, supplierProductID) = try await ProductFixture.supplier(client, token: token, organisationID: app.rootID)
        let created = try await client.json(.post, "/api/v1/products", token: token,
                                            body: ProductFixture.kettle(organisationID: app.rootID, supplierProductID: supplierProductID))
        let productID = try #require(field(created.body, "id") as? String, "\(created.raw)")
        let footprint = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
        #expect(footprint.status == .ok, "\(footprint.raw)")
        return (productID, footprint)
    }
}
