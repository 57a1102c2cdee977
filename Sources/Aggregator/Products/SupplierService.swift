import CarbonCore
import Foundation

/// Use cases of suppliers and their declared product footprints. Declared footprints are never
/// edited: a new declaration is a new supplier product, so footprint versions that used the old
/// one stay reproducible.
struct SupplierService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    static let select = """
        SELECT s.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
        FROM suppliers s JOIN organisations o ON o.id = s.organisation_id
        """

    func list(scope: AccessScope) async throws -> [Supplier] {
        let prefixes = scope.prefixes(for: .productsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            let filter = SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)
            return try connection.query("\(Self.select) WHERE \(filter) ORDER BY s.name, s.id", parameters)
        }
        return scope.filter(try rows.map(Supplier.init(row:)), .productsRead) { $0.ref }
    }

    func get(_ id: String, scope: AccessScope) async throws -> Supplier {
        var supplier = try await load(id)
        try scope.require(.productsRead, on: supplier.ref, what: "supplier")
        let supplierID = supplier.id
        supplier.products = try await database.read { connection in
            try connection.query("SELECT * FROM supplier_products WHERE supplier_id = $1 ORDER BY created_at, id",
                                 .text(supplierID)).map(SupplierProduct.init(row:))
        }
        return supplier
    }

    func create(_ body: SupplierCreate, scope: AccessScope, context: AppRequestContext) async throws -> Supplier {
        let organisationID = try ProductValidation.id(body.organisationID, field: "organisation_id")
        let name = try ProductValidation.text(body.name, field: "name")
        let contact = try ProductValidation.optionalText(body.contact, field: "contact", max: 500)
        _ = try await Self.organisation(organisationID, permission: .productsCreate, scope: scope, database: database)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        try await database.write { connection in
            try connection.execute(
                "INSERT INTO suppliers (id, organisation_id, name, contact, created_at) VALUES ($1, $2, $3, $4, $5)",
                .text(id), .text(organisationID), .text(name), SQLValue(contact), .integer(now))
            try auditor.append(.init(action: "suppliers.create", target: id, organisationID: organisationID,
                                     details: ["name": name]), context: context, on: connection)
        }
        return try await get(id, scope: scope)
    }

    func addProduct(_ supplierID: String, _ body: SupplierProductCreate, scope: AccessScope, context: AppRequestContext)
        async throws -> SupplierProduct
    {
        let supplier = try await load(supplierID)
        try scope.require(.productsCreate, on: supplier.ref, what: "supplier")
        typealias V = ProductValidation
        let name = try V.text(body.name, field: "name")
        let code = try body.code.map { try V.code($0) }
        _ = try V.decimal(body.value, field: "value")
        _ = try V.rate(body.unit, field: "unit")
        let method = try V.text(body.method, field: "method")
        guard (1990...2100).contains(body.year) else { throw APIError.invalidField("year", "'year' is 1990 to 2100") }
        let evidence = try V.optionalText(body.evidence, field: "evidence", max: 1000)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO supplier_products (id, supplier_id, name, code, value, unit, method, year, evidence, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, .text(id), .text(supplier.id), .text(name), SQLValue(code), .text(body.value), .text(body.unit),
                .text(method), .integer(Int64(body.year)), SQLValue(evidence), .integer(now))
            try auditor.append(.init(action: "suppliers.products.create", target: id, organisationID: supplier.organisationID,
                                     details: ["supplier_id": supplier.id, "name": name, "value": body.value,
                                               "unit": body.unit]), context: context, on: connection)
            return try SupplierProduct(row: try connection.first("SELECT * FROM supplier_products WHERE id = $1", .text(id))!)
        }
    }

    func load(_ id: String) async throws -> Supplier {
        guard UUID(uuidString: id) != nil,
              let row = try await database.read({ try $0.first("\(Self.select) WHERE s.id = $1", .text(id.lowercased())) })
        else { throw APIError.notFound("supplier") }
        return try Supplier(row: row)
    }

    /// The organisation a body names, which the caller must hold `permission` at. An unknown or
    /// invisible one is the same 422, so ids cannot be probed.
    static func organisation(_ id: String, permission: Permission, scope: AccessScope, database: any Database) async throws
        -> OrganisationRef
    {
        guard let ref = try await database.read({ try OrganisationRef.load(id: id, on: $0) }) else {
            throw APIError.unknownReference("organisation_id", "organisation")
        }
        do { try scope.require(permission, on: ref, what: "organisation") } catch let error as APIError
            where error.code == "not_found"
        {
            throw APIError.unknownReference("organisation_id", "organisation")
        }
        return ref
    }
}
