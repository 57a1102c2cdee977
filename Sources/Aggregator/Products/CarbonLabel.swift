import CarbonCore
import Foundation

/// Carbon label data of a product, issued from one footprint version.
///
/// Verification hash (`hash_algorithm` "sha256-jcs-v1"): SHA-256, lower-case hex, of the UTF-8
/// bytes of the canonical JSON (RFC 8785 / `CanonicalJSON`) of
/// `{"label": {calculated_at, footprint_id, footprint_version, functional_unit, method, product_code,
/// product_id, product_name, unit, value, verifier}, "result": <the footprint version's result>}`,
/// with the label fields as this API returns them (`verifier` null when absent) and `result` as
/// `GET /api/v1/products/:id/footprints/:footprint` returns it. A third party recomputes it from
/// those two replies alone; changing any label field or any figure of the result changes it.
struct CarbonLabel: Encodable, Sendable {
    let id: String
    let productID: String
    let productName: String
    let productCode: String
    let footprintID: String
    let footprintVersion: Int64
    /// The footprint per functional unit, rounded once (half-up) from the exact total.
    let value: String
    let unit: String
    let functionalUnit: String
    let method: String
    let calculatedAt: String
    let verifier: String?
    let verificationHash: String
    let hashAlgorithm = CarbonLabel.algorithm
    let createdAt: String
    let ref: OrganisationRef

    static let algorithm = "sha256-jcs-v1"

    enum CodingKeys: String, CodingKey {
        case id, value, unit, method, verifier
        case productID = "product_id"
        case productName = "product_name"
        case productCode = "product_code"
        case footprintID = "footprint_id"
        case footprintVersion = "footprint_version"
        case functionalUnit = "functional_unit"
        case calculatedAt = "calculated_at"
        case verificationHash = "verification_hash"
        case hashAlgorithm = "hash_algorithm"
        case createdAt = "created_at"
    }

    static let select = """
        SELECT l.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM product_labels l JOIN products p ON p.id = l.product_id JOIN organisations o ON o.id = p.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        productID = try row.text("product_id")
        productName = try row.text("product_name")
        productCode = try row.text("product_code")
        footprintID = try row.text("footprint_id")
        footprintVersion = try row.int64("footprint_version")
        value = try row.text("value")
        unit = try row.text("unit")
        functionalUnit = try row.text("functional_unit")
        method = try row.text("method")
        calculatedAt = ServiceClock.iso(try row.int64("calculated_at"))
        verifier = try row.optionalText("verifier")
        verificationHash = try row.text("verification_hash")
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        ref = try OrganisationRef(row: row, prefix: "org_")
    }

    /// The hashed label fields (see the type's comment).
    struct HashedFields: Sendable {
        var calculatedAt, footprintID, functionalUnit, method, productCode, productID, productName, unit, value: String
        var footprintVersion: Int64
        var verifier: String?
    }

    var hashedFields: HashedFields {
        HashedFields(calculatedAt: calculatedAt, footprintID: footprintID, functionalUnit: functionalUnit, method: method,
                     productCode: productCode, productID: productID, productName: productName, unit: unit, value: value,
                     footprintVersion: footprintVersion, verifier: verifier)
    }

    /// The canonical text the hash is taken over.
    static func canonicalText(_ fields: HashedFields, result: JSONValue) -> String {
        let label: JSONValue = .object([
            "calculated_at": .string(fields.calculatedAt), "footprint_id": .string(fields.footprintID),
            "footprint_version": .integer(fields.footprintVersion), "functional_unit": .string(fields.functionalUnit),
            "method": .string(fields.method), "product_code": .string(fields.productCode),
            "product_id": .string(fields.productID), "product_name": .string(fields.productName),
            "unit": .string(fields.unit), "value": .string(fields.value),
            "verifier": fields.verifier.map(JSONValue.string) ?? .null,
        ])
        return CanonicalJSON.text(.object(["label": label, "result": result]))
    }

    static func hash(_ fields: HashedFields, result: JSONValue) -> String {
        CanonicalJSON.sha256(canonicalText(fields, result: result))
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "product_id": .uuid, "product_name": .text, "product_code": .text, "footprint_id": .uuid,
         "footprint_version": .integer(minimum: 1), "value": .decimal, "unit": .text, "functional_unit": .text,
         "method": .text, "calculated_at": .timestamp, "verifier": .nullable(.text),
         "verification_hash": .string(pattern: "^[0-9a-f]{64}$"), "hash_algorithm": .string(values: [algorithm]),
         "created_at": .timestamp],
        required: ["id", "product_id", "product_name", "product_code", "footprint_id", "footprint_version", "value",
                   "unit", "functional_unit", "method", "calculated_at", "verification_hash", "hash_algorithm",
                   "created_at"])
}

struct LabelCreate: RequestBody {
    let footprintID: String
    let method: String?
    let verifier: String?
    /// Decimal places of the figure on the label (0–6, default 2).
    let decimals: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, verifier, decimals
        case footprintID = "footprint_id"
    }
    typealias Keys = CodingKeys

    static let defaultMethod = "ISO 14067:2018"
    static let schema = JSONSchema.object(
        ["footprint_id": .uuid, "method": .name, "verifier": .name, "decimals": .integer(minimum: 0, maximum: 6)],
        required: ["footprint_id"])
}

/// The answer of `GET /api/v1/labels/:id/verify`.
struct LabelVerification: Encodable, Sendable {
    let labelID: String
    let valid: Bool
    let storedHash: String
    let computedHash: String
    let hashAlgorithm = CarbonLabel.algorithm

    enum CodingKeys: String, CodingKey {
        case valid
        case labelID = "label_id"
        case storedHash = "stored_hash"
        case computedHash = "computed_hash"
        case hashAlgorithm = "hash_algorithm"
    }

    static let schema = JSONSchema.object(
        ["label_id": .uuid, "valid": .boolean, "stored_hash": .text, "computed_hash": .text,
         "hash_algorithm": .string(values: [CarbonLabel.algorithm])],
        required: ["label_id", "valid", "stored_hash", "computed_hash", "hash_algorithm"])
}
