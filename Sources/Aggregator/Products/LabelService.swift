import CarbonCore
import Foundation

/// Issues carbon labels from footprint versions and checks them again later.
struct LabelService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let products: ProductService
    let footprints: FootprintService

    func create(productID: String, _ body: LabelCreate, scope: AccessScope, context: AppRequestContext) async throws
        -> CarbonLabel
    {
        let product = try await products.load(productID)
        try scope.require(.productsCreate, on: product.ref, what: "product")
        let footprintID = try ProductValidation.id(body.footprintID, field: "footprint_id")
        let method = try body.method.map { try ProductValidation.text($0, field: "method") } ?? LabelCreate.defaultMethod
        let verifier = try ProductValidation.optionalText(body.verifier, field: "verifier", max: 200)
        let decimals = body.decimals ?? 2
        guard (0...6).contains(decimals) else { throw APIError.invalidField("decimals", "'decimals' is 0 to 6") }
        guard let version = try? await footprints.load(footprintID), version.productID == product.id else {
            throw APIError.unknownReference("footprint_id", "footprint version of this product")
        }
        // Rounded once, half-up, from the exact total: never from the already-rounded JSON figure.
        let value = DecimalText.format(try DecimalText.parse(version.totalExact), places: decimals)
        let fields = CarbonLabel.HashedFields(
            calculatedAt: version.createdAt, footprintID: version.id, functionalUnit: version.functionalUnitText,
            method: method, productCode: product.code, productID: product.id, productName: product.name,
            unit: version.unit, value: value, footprintVersion: version.version, verifier: verifier)
        let hash = CarbonLabel.hash(fields, result: version.result)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO product_labels (id, product_id, footprint_id, product_name, product_code, footprint_version,
                    value, unit, functional_unit, method, calculated_at, verifier, verification_hash, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """, .text(id), .text(product.id), .text(version.id), .text(product.name), .text(product.code),
                .integer(version.version), .text(value), .text(version.unit), .text(fields.functionalUnit), .text(method),
                .integer(version.calculatedAtMicros), SQLValue(verifier), .text(hash), .integer(now))
            try auditor.append(.init(action: "products.labels.create", target: id, organisationID: product.organisationID,
                                     details: ["product_id": product.id, "footprint_id": version.id, "value": value,
                                               "verification_hash": hash]), context: context, on: connection)
        }
        return try await get(id, scope: scope)
    }

    func get(_ id: String, scope: AccessScope) async throws -> CarbonLabel {
        guard UUID(uuidString: id) != nil,
              let row = try await database.read({ try $0.first("\(CarbonLabel.select) WHERE l.id = $1", .text(id.lowercased())) })
        else { throw APIError.notFound("label") }
        let label = try CarbonLabel(row: row)
        try scope.require(.productsRead, on: label.ref, what: "label")
        return label
    }

    /// Recomputes the hash from the stored label fields and the footprint version's stored result.
    func verify(_ id: String, scope: AccessScope) async throws -> LabelVerification {
        let label = try await get(id, scope: scope)
        let version = try await footprints.load(label.footprintID)
        let computed = CarbonLabel.hash(label.hashedFields, result: version.result)
        return LabelVerification(labelID: label.id, valid: computed == label.verificationHash,
                                 storedHash: label.verificationHash, computedHash: computed)
    }

    func svg(_ id: String, scope: AccessScope) async throws -> String {
        LabelSVG.render(try await get(id, scope: scope))
    }
}
