import CarbonCore
import Foundation

/// Calculates product footprints with CarbonCore and keeps each distinct result as an immutable,
/// numbered version.
struct FootprintService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    let products: ProductService

    /// Assembles the product's model, and returns the existing version when its canonical JSON
    /// hashes the same as one already calculated; otherwise calculates and stores a new version.
    func calculate(productID: String, scope: AccessScope, context: AppRequestContext) async throws -> FootprintVersion {
        let product = try await products.load(productID)
        try scope.require(.productsCreate, on: product.ref, what: "product")
        let modelValue = try JSONValue.from(product.model)
        let modelText = CanonicalJSON.text(modelValue)
        let inputHash = CanonicalJSON.sha256(modelText)
        if var existing = try await find(productID: product.id, inputHash: inputHash) {
            existing.created = false
            return existing
        }
        let result: FootprintResult
        do { result = try FootprintCalculator.calculate(product.model) } catch {
            throw ProductValidation.calculationError(error) { $0.isEmpty ? "model" : "model.\($0)" }
        }
        let resultText = String(decoding: try CanonicalJSON.encoder.encode(result), as: UTF8.self)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let actor = context.principal?.id
        do {
            try await database.write { connection in
                let next = (try connection.first("SELECT max(version) AS v FROM product_footprints WHERE product_id = $1",
                                                 .text(product.id))?.optionalInt64("v") ?? 0) + 1
                try connection.execute(
                    """
                    INSERT INTO product_footprints (id, product_id, version, input_hash, model, result, total_exact, unit,
                        created_by, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """, .text(id), .text(product.id), .integer(next), .text(inputHash), .text(modelText), .text(resultText),
                    .text(DecimalText.plain(result.total)), .text(result.unit.symbol), SQLValue(actor), .integer(now))
                try auditor.append(.init(action: "products.footprints.calculate", target: id,
                                         organisationID: product.organisationID,
                                         details: ["product_id": product.id, "version": String(next),
                                                   "input_hash": inputHash, "total": DecimalText.plain(result.total)]),
                                   context: context, on: connection)
            }
        } catch let error as DatabaseError where error.code == .uniqueViolation {
            // Another replica stored the same inputs (or took the version number) first: its row wins.
            if var existing = try await find(productID: product.id, inputHash: inputHash) {
                existing.created = false
                return existing
            }
            throw APIError.unavailable("another calculation of this product finished first; retry")
        }
        var stored = try await load(id)
        stored.created = true
        return stored
    }

    func list(productID: String, scope: AccessScope) async throws -> [FootprintVersion] {
        let product = try await products.load(productID)
        try scope.require(.productsRead, on: product.ref, what: "product")
        return try await database.read { connection in
            try connection.query("\(FootprintVersion.select) WHERE f.product_id = $1 ORDER BY f.version", .text(product.id))
                .map(FootprintVersion.init(row:))
        }
    }

    func get(productID: String, footprintID: String, scope: AccessScope) async throws -> FootprintVersion {
        let version = try await load(footprintID)
        try scope.require(.productsRead, on: version.ref, what: "footprint")
        guard version.productID == productID.lowercased() else { throw APIError.notFound("footprint") }
        return version
    }

    /// For reports: a footprint version with CarbonCore's typed result (unrounded `Decimal`s, stages,
    /// processes, gases, allocations, trail), recalculated from the stored model, which is
    /// deterministic (the stored `result` is this value's JSON form).
    func reportData(footprintID: String, scope: AccessScope) async throws -> (version: FootprintVersion, result: FootprintResult) {
        let version = try await load(footprintID)
        try scope.require(.productsRead, on: version.ref, what: "footprint")
        let model = try FootprintModel.decode(json: Data(CanonicalJSON.text(version.model).utf8))
        return (version, try FootprintCalculator.calculate(model))
    }

    func load(_ id: String) async throws -> FootprintVersion {
        guard UUID(uuidString: id) != nil,
              let row = try await database.read({ try $0.first("\(FootprintVersion.select) WHERE f.id = $1", .text(id.lowercased())) })
        else { throw APIError.notFound("footprint") }
        return try FootprintVersion(row: row)
    }

    private func find(productID: String, inputHash: String) async throws -> FootprintVersion? {
        try await database.read { connection in
            try connection.first("\(FootprintVersion.select) WHERE f.product_id = $1 AND f.input_hash = $2",
                                 .text(productID), .text(inputHash)).map(FootprintVersion.init(row:))
        }
    }
}
