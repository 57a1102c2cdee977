import CarbonCore
import Foundation

/// A supplier of an organisation. Its declared product footprints can be used by the bills of
/// materials of products in the same organisation or below it.
struct Supplier: Encodable, Sendable {
    let id: String
    let organisationID: String
    let name: String
    let contact: String?
    let createdAt: String
    var products: [SupplierProduct]?
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, contact, products
        case organisationID = "organisation_id"
        case createdAt = "created_at"
    }

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        contact = try row.optionalText("contact")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        ref = try OrganisationRef(row: row, prefix: "org_")
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .text, "contact": .nullable(.text), "created_at": .timestamp,
         "products": .array(SupplierProduct.schema)],
        required: ["id", "organisation_id", "name", "created_at"])
}

/// A supplier's declared footprint of one of its products: CO2e per unit of the product, with the
/// method, the data year and where the evidence is (an EPD number, a document reference).
struct SupplierProduct: Encodable, Sendable {
    let id: String
    let supplierID: String
    let name: String
    let code: String?
    let value: String
    let unit: String
    let method: String
    let year: Int64
    let evidence: String?
    let createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, code, value, unit, method, year, evidence
        case supplierID = "supplier_id"
        case createdAt = "created_at"
    }

    init(row: SQLRow) throws {
        id = try row.text("id")
        supplierID = try row.text("supplier_id")
        name = try row.text("name")
        code = try row.optionalText("code")
        value = try row.text("value")
        unit = try row.text("unit")
        method = try row.text("method")
        year = try row.int64("year")
        evidence = try row.optionalText("evidence")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "supplier_id": .uuid, "name": .text, "code": .nullable(.text), "value": .decimal,
         "unit": .text, "method": .text, "year": .integer(), "evidence": .nullable(.text), "created_at": .timestamp],
        required: ["id", "supplier_id", "name", "value", "unit", "method", "year", "created_at"])
}

struct SupplierCreate: RequestBody {
    let organisationID: String
    let name: String
    let contact: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, contact
        case organisationID = "organisation_id"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "name": .name, "contact": .string(maxLength: 500)],
        required: ["organisation_id", "name"])
}

struct SupplierProductCreate: RequestBody {
    let name: String
    let code: String?
    let value: String
    let unit: String
    let method: String
    let year: Int
    let evidence: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, code, value, unit, method, year, evidence }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .name, "code": .string(maxLength: 64), "value": .decimal,
         "unit": .string(pattern: "/", maxLength: 64, minLength: 3), "method": .name,
         "year": .integer(minimum: 1990, maximum: 2100), "evidence": .string(maxLength: 1000)],
        required: ["name", "value", "unit", "method", "year"])
}
