import CarbonCore
import Foundation
import HTTPTypes

/// SQL for products and their definitions; the rules are in `ProductService`.
enum ProductStore {
    static let select = """
        SELECT p.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM products p JOIN organisations o ON o.id = p.organisation_id
        """

    static func load(_ id: String, on connection: any SQLConnection) throws -> Product? {
        guard UUID(uuidString: id) != nil,
              let row = try connection.first("\(select) WHERE p.id = $1", .text(id.lowercased()))
        else { return nil }
        let definition = try definition(row: row, on: connection)
        let factors = try supplierFactors(for: definition.components, on: connection)
        let model: FootprintModel
        do { model = try ProductAssembly.model(definition, supplierFactors: factors) } catch {
            // Stored definitions were validated when written; reaching this means the data changed underneath.
            throw APIError(.internalServerError, "invalid_stored_product", "the stored product no longer assembles: \(error)")
        }
        return Product(id: try row.text("id"), organisationID: try row.text("organisation_id"), name: definition.name,
                       code: definition.code, description: definition.description,
                       functionalUnit: definition.functionalUnit, components: definition.components,
                       processes: definition.processes, source: definition.source, model: model,
                       createdAt: ServiceClock.iso(try row.int64("created_at")),
                       updatedAt: ServiceClock.iso(try row.int64("updated_at")),
                       ref: try OrganisationRef(row: row, prefix: "org_"))
    }

    static func summary(row: SQLRow) throws -> ProductSummary {
        ProductSummary(id: try row.text("id"), organisationID: try row.text("organisation_id"), name: try row.text("name"),
                       code: try row.text("code"),
                       functionalUnit: .init(amount: try row.text("fu_amount"), unit: try row.text("fu_unit"),
                                             description: try row.optionalText("fu_description")),
                       ref: try OrganisationRef(row: row, prefix: "org_"))
    }

    static func definition(row: SQLRow, on connection: any SQLConnection) throws -> ProductDefinition {
        let id = try row.text("id")
        let components = try connection.query(
            "SELECT * FROM product_components WHERE product_id = $1 ORDER BY position", .text(id)
        ).map { row in
            let factor: RateBody? = try row.optionalText("factor_value").map { value in
                RateBody(value: value, unit: try row.text("factor_unit"))
            }
            return ComponentBody(kind: try row.text("kind"), name: try row.text("name"), quantity: try row.text("quantity"),
                                 unit: try row.text("unit"), factor: factor,
                                 supplierProductID: try row.optionalText("supplier_product_id"), stage: try row.text("stage"))
        }
        let processes = try connection.query(
            "SELECT * FROM product_processes WHERE product_id = $1 ORDER BY position", .text(id)
        ).map { row in
            ProcessBody(key: try row.text("process_key"), name: try row.text("name"), stage: try row.text("stage"),
                        emissions: try JSONDecoder().decode([FootprintModel.ElementaryFlow].self,
                                                            from: Data(try row.text("emissions").utf8)))
        }
        let uploaded = try row.optionalText("uploaded_model").map { try FootprintModel.decode(json: Data($0.utf8)) }
        return ProductDefinition(name: try row.text("name"), code: try row.text("code"),
                                 description: try row.optionalText("description"),
                                 functionalUnit: .init(amount: try row.text("fu_amount"), unit: try row.text("fu_unit"),
                                                       description: try row.optionalText("fu_description")),
                                 components: components, processes: processes, uploadedModel: uploaded)
    }

    /// The declared footprints (value per unit) of the supplier products a bill of materials names.
    static func supplierFactors(for components: [ComponentBody], on connection: any SQLConnection) throws
        -> ProductAssembly.SupplierFactors
    {
        var factors: ProductAssembly.SupplierFactors = [:]
        for id in Set(components.compactMap(\.supplierProductID)) {
            if let row = try connection.first("SELECT value, unit FROM supplier_products WHERE id = $1", .text(id)) {
                factors[id] = RateBody(value: try row.text("value"), unit: try row.text("unit"))
            }
        }
        return factors
    }

    /// Writes the definition's rows (after deleting the old ones, for a replacement).
    static func writeDefinition(_ definition: ProductDefinition, productID: String, on connection: any SQLConnection) throws {
        try connection.execute("DELETE FROM product_components WHERE product_id = $1", .text(productID))
        try connection.execute("DELETE FROM product_processes WHERE product_id = $1", .text(productID))
        for (index, component) in definition.components.enumerated() {
            try connection.execute(
                """
                INSERT INTO product_components (product_id, position, kind, name, supplier_product_id, quantity, unit,
                    factor_value, factor_unit, stage)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, .text(productID), .integer(Int64(index)), .text(component.kind), .text(component.name),
                SQLValue(component.supplierProductID), .text(component.quantity), .text(component.unit),
                SQLValue(component.factor?.value), SQLValue(component.factor?.unit),
                .text(component.stage ?? LifecycleStage.rawMaterial.rawValue))
        }
        for (index, process) in definition.processes.enumerated() {
            let emissions = String(decoding: try CanonicalJSON.encoder.encode(process.emissions), as: UTF8.self)
            try connection.execute(
                """
                INSERT INTO product_processes (product_id, position, process_key, name, stage, emissions)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, .text(productID), .integer(Int64(index)), .text(process.key), .text(process.name),
                .text(process.stage), .text(emissions))
        }
    }

    static func uploadedModelText(_ definition: ProductDefinition) throws -> String? {
        try definition.uploadedModel.map { String(decoding: try CanonicalJSON.encoder.encode($0), as: UTF8.self) }
    }
}
