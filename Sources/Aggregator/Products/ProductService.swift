import CarbonCore
import Foundation
import HTTPTypes

/// Use cases of products: each method takes the caller's scope, checks the product's organisation,
/// and commits every change with its audit record.
struct ProductService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(scope: AccessScope) async throws -> [ProductSummary] {
        let prefixes = scope.prefixes(for: .productsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(ProductStore.select) WHERE \(filter) ORDER BY p.code, p.id", parameters)
        }
        return scope.filter(try rows.map(ProductStore.summary(row:)), .productsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope) async throws -> Product {
        let product = try await load(id)
        try scope.require(.productsRead, on: product.ref, what: "product")
        return product
    }

    func create(_ body: ProductBody, scope: AccessScope, context: AppRequestContext) async throws -> Product {
        guard let organisationText = body.organisationID else {
            throw APIError(.unprocessableContent, "missing_field", "'organisation_id' is required", field: "organisation_id")
        }
        let organisationID = try ProductValidation.id(organisationText, field: "organisation_id")
        let organisation = try await SupplierService.organisation(organisationID, permission: .productsCreate,
                                                                  scope: scope, database: database)
        let definition = try ProductService.definition(body)
        try await checkReferences(definition, organisation: organisation, scope: scope)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try Self.requireUniqueCode(definition.code, organisationID: organisationID, except: nil, on: connection)
            try connection.execute(
                """
                INSERT INTO products (id, organisation_id, name, code, description, fu_amount, fu_unit, fu_description,
                    uploaded_model, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                """, .text(id), .text(organisationID), .text(definition.name), .text(definition.code),
                SQLValue(definition.description), .text(definition.functionalUnit.amount),
                .text(definition.functionalUnit.unit), SQLValue(definition.functionalUnit.description),
                SQLValue(try ProductStore.uploadedModelText(definition)), .integer(now))
            try ProductStore.writeDefinition(definition, productID: id, on: connection)
            try auditor.append(.init(action: "products.create", target: id, organisationID: organisationID,
                                     details: ["code": definition.code, "name": definition.name, "source": definition.source]),
                               context: context, on: connection)
        }
        return try await load(id)
    }

    /// Replaces the whole definition. Footprint versions already calculated keep the model they
    /// were calculated from.
    func replace(_ id: String, _ body: ProductBody, scope: AccessScope, context: AppRequestContext) async throws -> Product {
        let current = try await load(id)
        try scope.require(.productsUpdate, on: current.ref, what: "product")
        if body.organisationID != nil {
            throw APIError.invalidField("organisation_id", "a product cannot change organisation")
        }
        let definition = try ProductService.definition(body)
        try await checkReferences(definition, organisation: current.ref, scope: scope)
        let now = clock.micros, auditor = self.auditor, productID = current.id
        try await database.write { connection in
            try Self.requireUniqueCode(definition.code, organisationID: current.organisationID, except: productID,
                                       on: connection)
            try connection.execute(
                """
                UPDATE products SET name = $2, code = $3, description = $4, fu_amount = $5, fu_unit = $6,
                    fu_description = $7, uploaded_model = $8, updated_at = $9 WHERE id = $1
                """, .text(productID), .text(definition.name), .text(definition.code), SQLValue(definition.description),
                .text(definition.functionalUnit.amount), .text(definition.functionalUnit.unit),
                SQLValue(definition.functionalUnit.description), SQLValue(try ProductStore.uploadedModelText(definition)),
                .integer(now))
            try ProductStore.writeDefinition(definition, productID: productID, on: connection)
            try auditor.append(.init(action: "products.update", target: productID, organisationID: current.organisationID,
                                     details: ["code": definition.code, "name": definition.name, "source": definition.source]),
                               context: context, on: connection)
        }
        return try await load(productID)
    }

    /// Refused once a footprint has been calculated: versions and labels are kept as evidence.
    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        let current = try await load(id)
        try scope.require(.productsDelete, on: current.ref, what: "product")
        let auditor = self.auditor
        try await database.write { connection in
            let versions = try connection.first("SELECT count(*) AS n FROM product_footprints WHERE product_id = $1",
                                                .text(current.id))?.int64("n") ?? 0
            guard versions == 0 else {
                throw APIError.conflict("the product has \(versions) footprint version(s), kept as evidence; it cannot be deleted")
            }
            try connection.execute("DELETE FROM product_components WHERE product_id = $1", .text(current.id))
            try connection.execute("DELETE FROM product_processes WHERE product_id = $1", .text(current.id))
            try connection.execute("DELETE FROM products WHERE id = $1", .text(current.id))
            try auditor.append(.init(action: "products.delete", target: current.id, organisationID: current.organisationID,
                                     details: ["code": current.code]), context: context, on: connection)
        }
    }

    func load(_ id: String) async throws -> Product {
        guard let product = try await database.read({ try ProductStore.load(id, on: $0) }) else {
            throw APIError.notFound("product")
        }
        return product
    }

    private static func requireUniqueCode(_ code: String, organisationID: String, except: String?,
                                          on connection: any SQLConnection) throws {
        let clash = try connection.first("SELECT id FROM products WHERE organisation_id = $1 AND code = $2",
                                         .text(organisationID), .text(code))
        if let clash, try clash.text("id") != except {
            throw APIError.conflict("the organisation already has a product with code '\(code)'", field: "code")
        }
    }

    /// Supplier products named by the bill of materials must exist, be readable by the caller, and
    /// belong to the product's organisation or one above it; then CarbonCore must accept the model.
    private func checkReferences(_ definition: ProductDefinition, organisation: OrganisationRef, scope: AccessScope)
        async throws
    {
        let wanted = definition.components.enumerated().compactMap { index, component in
            component.supplierProductID.map { (index, $0) }
        }
        let found = try await database.read { connection in
            try wanted.map { index, id in
                (index, id, try connection.first(
                    """
                    SELECT sp.value, sp.unit, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
                    FROM supplier_products sp JOIN suppliers s ON s.id = sp.supplier_id
                    JOIN organisations o ON o.id = s.organisation_id WHERE sp.id = $1
                    """, .text(id)))
            }
        }
        var factors: ProductAssembly.SupplierFactors = [:]
        for (index, id, row) in found {
            let field = "components[\(index)].supplier_product_id"
            guard let row else { throw APIError.unknownReference(field, "supplier product") }
            let owner = try OrganisationRef(row: row, prefix: "org_")
            guard owner.path.contains(organisation.path),
                  scope.decide(.productsRead, at: owner.path, timeZone: owner.timeZone).isAllowed
            else { throw APIError.unknownReference(field, "supplier product") }
            factors[id] = RateBody(value: try row.text("value"), unit: try row.text("unit"))
        }
        try ProductAssembly.validate(definition, supplierFactors: factors)
    }
}
