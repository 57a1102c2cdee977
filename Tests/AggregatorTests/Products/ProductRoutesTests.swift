import CarbonCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Aggregator

@Suite struct ProductRoutesTests {
    /// The footprint the API stores is exactly CarbonCore's result for the model the API assembled,
    /// and unchanged inputs give the same version back.
    @Test(arguments: TestBackend.enabled)
    func aBillOfMaterialsIsFootprintedByCarbonCoreAndVersioned(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let (supplierID, supplierProductID) = try await ProductFixture.supplier(client, token: token, organisationID: app.rootID)
            let created = try await client.json(.post, "/api/v1/products", token: token,
                                                body: ProductFixture.kettle(organisationID: app.rootID,
                                                                            supplierProductID: supplierProductID))
            #expect(created.status == .created, "\(created.raw)")
            let productID = try #require(field(created.body, "id") as? String)
            #expect(field(created.body, "source") as? String == "bill_of_materials")
            #expect((field(created.body, "components") as? [Any])?.count == 3)

            let first = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
            #expect(first.status == .ok, "\(first.raw)")
            #expect(field(first.body, "created") as? Bool == true)
            #expect(field(first.body, "version") as? Int == 1)

            // Recompute directly with CarbonCore from the model the API says it assembled.
            let modelData = try JSONSerialization.data(withJSONObject: try #require(field(first.body, "model")))
            let direct = try FootprintCalculator.calculate(try FootprintModel.decode(json: modelData))
            let stored = try (try #require(field(first.body, "result") as? [String: Any])).asJSONValue()
            #expect(stored == (try JSONValue.from(direct)))
            // raw 0.8×6.15 + 0.5×1.95 + 1×3.80 = 9.695; production 3.0×0.5366 = 1.6098
            #expect(field(first.body, "result", "stages", "0", "emissions") as? String == "9.695")
            #expect(field(first.body, "result", "stages", "1", "emissions") as? String == "1.610")
            #expect(field(first.body, "total") as? String == DecimalText.format(direct.total, places: 3))
            #expect(field(first.body, "total_exact") as? String == DecimalText.plain(direct.total))
            #expect((field(first.body, "result", "gases") as? [Any])?.count == 3)  // CO2, CO2e, CH4
            #expect((field(first.body, "result", "trail", "steps") as? [Any])?.isEmpty == false)

            let again = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
            #expect(field(again.body, "created") as? Bool == false)
            #expect(field(again.body, "id") as? String == field(first.body, "id") as? String)

            // A changed bill of materials is a new version; the first keeps its model.
            let replaced = try await client.json(.put, "/api/v1/products/\(productID)", token: token,
                                                 body: ProductFixture.kettle(organisationID: nil, supplierProductID: supplierProductID,
                                                                             steel: "0.90"))
            #expect(replaced.status == .ok, "\(replaced.raw)")
            let second = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
            #expect(field(second.body, "version") as? Int == 2 && field(second.body, "created") as? Bool == true)
            #expect(field(second.body, "input_hash") as? String != field(first.body, "input_hash") as? String)
            let list = try await client.json(.get, "/api/v1/products/\(productID)/footprints", token: token)
            #expect((list.body as? [Any])?.count == 2)
            let one = try await client.json(.get, "/api/v1/products/\(productID)/footprints/\(field(first.body, "id") as? String ?? "")",
                                            token: token)
            #expect(one.status == .ok && field(one.body, "total") as? String == field(first.body, "total") as? String)

            let supplier = try await client.json(.get, "/api/v1/suppliers/\(supplierID)", token: token)
            #expect(field(supplier.body, "products", "0", "evidence") as? String == "EPD-2024-001")
            #expect(try await app.count("audit_log", where: "action = 'products.footprints.calculate'") == 2)
            let deleted = try await client.json(.delete, "/api/v1/products/\(productID)", token: token)
            #expect(deleted.status == .conflict, "versions are evidence: \(deleted.raw)")
        }
        await app.close()
    }

    /// A full CarbonCore model can be uploaded instead of a bill of materials.
    @Test(arguments: TestBackend.enabled)
    func anUploadedModelIsCalculatedAsIs(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let model: [String: Any] = [
                "name": "Bottle", "functional_unit": ["product": "bottle", "amount": "1", "unit": "unit"],
                "processes": [["id": "blow", "stage": "production",
                               "product": ["product": "bottle", "amount": "100", "unit": "unit"],
                               "emissions": [["amount": "12.5", "unit": "kgCO2e"]]]],
            ]
            let created = try await client.json(.post, "/api/v1/products", token: token, body: [
                "organisation_id": app.rootID, "name": "Bottle", "code": "B-1",
                "functional_unit": ["amount": "1", "unit": "unit"], "model": model,
            ])
            #expect(created.status == .created, "\(created.raw)")
            #expect(field(created.body, "source") as? String == "uploaded_model")
            let footprint = try await client.json(.post, "/api/v1/products/\(field(created.body, "id") as? String ?? "")/footprints",
                                                  token: token)
            #expect(field(footprint.body, "total") as? String == "0.125", "\(footprint.raw)")
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badInputNamesTheFieldAndWritesNothing(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let (_, supplierProductID) = try await ProductFixture.supplier(client, token: token, organisationID: app.rootID)
            func kettle(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
                var body = ProductFixture.kettle(organisationID: app.rootID, supplierProductID: supplierProductID)
                change(&body)
                return body
            }
            func components(_ edit: @escaping (inout [[String: Any]]) -> Void) -> (inout [String: Any]) -> Void {
                { body in
                    var list = body["components"] as! [[String: Any]]
                    edit(&list)
                    body["components"] = list
                }
            }
            let cases: [(String, [String: Any])] = [
                ("components[0].quantity", kettle(components { $0[0]["quantity"] = "lots" })),
                ("components[1].factor", kettle(components { $0[1]["factor"] = nil })),
                ("components[0].factor.unit", kettle(components { $0[0]["factor"] = ["value": "1", "unit": "kWh"] })),
                ("components[2].supplier_product_id",
                 kettle(components { $0[2]["supplier_product_id"] = "00000000-0000-4000-8000-00000000beef" })),
                ("components[0].unit", kettle(components { $0[0]["unit"] = "furlongs" })),
                ("processes[1].stage", kettle { var p = $0["processes"] as! [[String: Any]]; p[1]["stage"] = "shipping"; $0["processes"] = p }),
                ("processes[3].emissions[0].gas",
                 kettle { var p = $0["processes"] as! [[String: Any]]; p[3]["emissions"] = [["amount": "1", "unit": "kg"]]; $0["processes"] = p }),
                ("functional_unit.amount", kettle { $0["functional_unit"] = ["amount": "0", "unit": "unit"] }),
                ("code", kettle { $0["code"] = "has spaces" }),
                ("organisation_id", kettle { $0["organisation_id"] = "00000000-0000-4000-8000-00000000beef" }),
                ("owner", kettle { $0["owner"] = "me" }),
                ("model", kettle { $0["model"] = ["functional_unit": ["product": "x", "amount": "1", "unit": "unit"], "processes": []] }),
                ("model.processes", kettle {
                    $0["components"] = nil
                    $0["processes"] = nil
                    $0["model"] = ["functional_unit": ["product": "x", "amount": "1", "unit": "unit"], "processes": []]
                }),
            ]
            for (fieldName, body) in cases {
                let reply = try await client.json(.post, "/api/v1/products", token: token, body: body)
                #expect((400..<500).contains(reply.status.code), "\(fieldName): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == fieldName, "\(fieldName): \(reply.raw)")
            }
            #expect(try await app.count("products") == 0)
            #expect(try await app.count("product_components") == 0)
            let badSupplier = try await client.json(.post, "/api/v1/suppliers", token: token,
                                                    body: ["organisation_id": app.rootID, "name": "  "])
            #expect(field(badSupplier.body, "error", "field") as? String == "name")
            let suppliers = try await client.json(.get, "/api/v1/suppliers", token: token)
            let supplierID = try #require(field(suppliers.body, "0", "id") as? String)
            let badDeclared = try await client.json(.post, "/api/v1/suppliers/\(supplierID)/products", token: token, body: [
                "name": "x", "value": "1", "unit": "kg", "method": "m", "year": 2024,
            ])
            #expect(field(badDeclared.body, "error", "field") as? String == "unit", "\(badDeclared.raw)")
            let supplierRows = try await app.count("suppliers"), declaredRows = try await app.count("supplier_products")
            #expect(supplierRows == 1 && declaredRows == 1)
        }
        await app.close()
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A parsed reply as a `JSONValue`, for exact comparison with CarbonCore's JSON.
    func asJSONValue() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: self))
    }
}
