import CarbonCore
import Foundation

/// One calculated, immutable footprint of a product: the model exactly as calculated, CarbonCore's
/// result (by stage, process and gas, with the formula trail) per functional unit, and the SHA-256
/// of the model's canonical JSON (`input_hash`), which makes "same inputs, same version" checkable.
struct FootprintVersion: Encodable, Sendable {
    let id: String
    let productID: String
    let version: Int64
    let inputHash: String
    /// The total as CarbonCore's JSON states it (rounded once, 3 places), and exact.
    let total: String
    let totalExact: String
    let unit: String
    let functionalUnit: JSONValue
    let createdAt: String
    let model: JSONValue
    let result: JSONValue
    /// Only in the reply to POST: false when the inputs matched an existing version.
    var created: Bool? = nil
    let ref: OrganisationRef
    let calculatedAtMicros: Int64

    enum CodingKeys: String, CodingKey {
        case id, version, total, unit, model, result, created
        case productID = "product_id"
        case inputHash = "input_hash"
        case totalExact = "total_exact"
        case functionalUnit = "functional_unit"
        case createdAt = "created_at"
    }

    static let select = """
        SELECT f.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM product_footprints f JOIN products p ON p.id = f.product_id JOIN organisations o ON o.id = p.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        productID = try row.text("product_id")
        version = try row.int64("version")
        inputHash = try row.text("input_hash")
        totalExact = try row.text("total_exact")
        unit = try row.text("unit")
        calculatedAtMicros = try row.int64("created_at")
        createdAt = ServiceClock.iso(calculatedAtMicros)
        model = try JSONValue.parse(try row.text("model"))
        result = try JSONValue.parse(try row.text("result"))
        if case .object(let members) = result {
            functionalUnit = members["functional_unit"] ?? .null
            if case .string(let text) = members["total"] ?? .null { total = text } else { total = totalExact }
        } else {
            functionalUnit = .null
            total = totalExact
        }
        ref = try OrganisationRef(row: row, prefix: "org_")
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "product_id": .uuid, "version": .integer(minimum: 1), "input_hash": .string(pattern: "^[0-9a-f]{64}$"),
         "total": .decimal, "total_exact": .decimal, "unit": .text, "functional_unit": .any, "created_at": .timestamp,
         "model": .any, "result": .any, "created": .boolean],
        required: ["id", "product_id", "version", "input_hash", "total", "total_exact", "unit", "functional_unit",
                   "created_at", "model", "result"])

    /// The functional unit as text (`1 unit`), for labels.
    var functionalUnitText: String {
        guard case .object(let members) = functionalUnit, case .string(let amount) = members["amount"] ?? .null,
              case .string(let unit) = members["unit"] ?? .null else { return "" }
        return "\(amount) \(unit)"
    }
}
