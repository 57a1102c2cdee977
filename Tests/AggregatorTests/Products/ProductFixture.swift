import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Aggregator

/// A kettle modelled through the API: one supplier with a declared footprint, a bill of materials
/// (two materials and the supplier's heating element) and processes in the four later stages.
enum ProductFixture {
    static func supplier(_ client: some TestClientProtocol, token: String, organisationID: String, name: String = "Heating Co")
        async throws -> (supplierID: String, supplierProductID: String)
    {
        let supplier = try await client.json(.post, "/api/v1/suppliers", token: token,
                                             body: ["organisation_id": organisationID, "name": name])
        #expect(supplier.status == .created, "\(supplier.raw)")
        let supplierID = try #require(field(supplier.body, "id") as? String, "\(supplier.raw)")
        let declared = try await client.json(.post, "/api/v1/suppliers/\(supplierID)/products", token: token, body: [
            "name": "\(name) element", "code": "HE-1", "value": "3.80", "unit": "kgCO2e/unit", "method": "ISO 14067",
            "year": 2024, "evidence": "EPD-2024-001",
        ])
        #expect(declared.status == .created, "\(declared.raw)")
        return (supplierID, try #require(field(declared.body, "id") as? String, "\(declared.raw)"))
    }

    static func kettle(organisationID: String?, supplierProductID: String, name: String = "Electric kettle <1.7 L> & lid",
                       code: String = "KETTLE-17", steel: String = "0.80") -> [String: Any]
    {
        var body: [String: Any] = [
            "name": name, "code": code, "description": "Cradle-to-grave",
            "functional_unit": ["amount": "1", "unit": "unit", "description": "one kettle over 5 years"],
            "components": [
                ["kind": "material", "name": "stainless steel", "quantity": steel, "unit": "kg",
                 "factor": ["value": "6.15", "unit": "kgCO2e/kg"]],
                ["kind": "material", "name": "polypropylene", "quantity": "0.50", "unit": "kg",
                 "factor": ["value": "1.95", "unit": "kgCO2e/kg"]],
                ["kind": "supplier_product", "name": "heating element", "quantity": "1", "unit": "unit",
                 "supplier_product_id": supplierProductID],
            ],
            "processes": [
                ["key": "assembly-power", "name": "Assembly electricity", "stage": "production",
                 "emissions": [["label": "grid", "activity": ["amount": "3.0", "unit": "kWh"],
                                "factor": ["value": "0.5366", "unit": "kgCO2/kWh"]]]],
                ["key": "truck", "name": "Truck to market", "stage": "transport",
                 "emissions": [["label": "truck", "activity": ["amount": "1.7", "unit": "kg"],
                                "distance": ["amount": "1200", "unit": "km"],
                                "factor": ["value": "0.078", "unit": "kgCO2e/t·km"]]]],
                ["key": "boiling", "name": "Use: boiling", "stage": "use",
                 "emissions": [["label": "use power", "activity": ["amount": "602.25", "unit": "kWh"],
                                "factor": ["value": "0.5366", "unit": "kgCO2/kWh"]]]],
                ["key": "landfill", "name": "Landfill", "stage": "end_of_life",
                 "emissions": [["label": "landfill methane", "gas": "CH4", "amount": "0.001", "unit": "kg"]]],
            ],
        ]
        if let organisationID { body["organisation_id"] = organisationID }
        return body
    }

    /// GET with the response headers, for non-JSON replies (the SVG label).
    static func raw(_ client: some TestClientProtocol, _ uri: String, token: String) async throws
        -> (status: HTTPResponse.Status, contentType: String?, body: String)
    {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            (response.status, response.headers[.contentType], String(buffer: response.body))
        }
    }
}
