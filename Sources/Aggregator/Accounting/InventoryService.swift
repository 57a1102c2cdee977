import CarbonCore
import Foundation

/// Inventories' draft inputs: create, list, read and edit. Calculation and versions are in
/// `InventoryCalculationService`. Every change commits with its audit record.
struct InventoryService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(organisationID: String?, year: Int?, scope: AccessScope) async throws -> [Inventory] {
        let prefixes = scope.prefixes(for: .inventoriesRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            if let organisationID {
                parameters.append(.text(organisationID))
                conditions.append("i.organisation_id = $\(parameters.count)")
            }
            if let year {
                parameters.append(.integer(Int64(year)))
                conditions.append("i.reporting_year = $\(parameters.count)")
            }
            return try connection.query(
                Inventory.select + " WHERE " + conditions.joined(separator: " AND ")
                    + " ORDER BY i.reporting_year DESC, o.path, i.name, i.id", parameters)
        }
        return scope.filter(try rows.map(Inventory.init(row:)), .inventoriesRead) { $0.organisation }
    }

    func get(_ id: String, scope: AccessScope, permission: Permission = .inventoriesRead) async throws -> Inventory {
        let inventory = try await load(id)
        try scope.require(.inventoriesRead, on: inventory.organisation, what: "inventory")
        if permission != .inventoriesRead { try scope.require(permission, on: inventory.organisation, what: "inventory") }
        return inventory
    }

    func create(_ body: InventoryCreate, scope: AccessScope, context: AppRequestContext) async throws -> Inventory {
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        let name = try OrganisationValidation.name(body.name)
        let period = try Self.period(year: body.reportingYear, period: body.period)
        let sources = body.sources ?? [], production = body.production ?? []
        try InventoryDocument.check(sources: sources, production: production, gwp: body.gwp, field: "sources", index: true)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor
        let principal = try context.requirePrincipal()
        let sourcesText = try Self.text(sources), productionText = try Self.text(production)
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do { try scope.require(.inventoriesCreate, on: organisation, what: "organisation") } catch let error as APIError
            where error.code == "not_found" { throw APIError.unknownReference("organisation_id", "organisation") }
        return try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO inventories (id, organisation_id, name, reporting_year, period_from, period_to, gwp, sources,
                  production, created_by, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
                """, .text(id), .text(organisationID), .text(name), .integer(Int64(period.year)), .text(period.from),
                .text(period.to), SQLValue(body.gwp?.uppercased()), .text(sourcesText), .text(productionText),
                .text(principal.id), .integer(now))
            try auditor.append(.init(action: "inventories.create", target: id, organisationID: organisationID,
                                     details: ["name": name, "period": "\(period.from)/\(period.to)"]),
                               context: context, on: connection)
            return try Self.load(id, on: connection)
        }
    }

    func update(_ id: String, _ body: InventoryUpdate, scope: AccessScope, context: AppRequestContext) async throws
        -> Inventory
    {
        let current = try await get(id, scope: scope, permission: .inventoriesCreate)
        let name = try body.name.map { try OrganisationValidation.name($0) } ?? current.name
        let period = body.reportingYear == nil && body.period == nil
            ? current.reportingPeriod : try Self.period(year: body.reportingYear, period: body.period)
        let gwp = body.gwp?.uppercased() ?? current.gwp
        let sources = body.sources ?? current.sources, production = body.production ?? current.production
        try InventoryDocument.check(sources: sources, production: production, gwp: gwp, field: "sources", index: true)
        let sourcesText = try Self.text(sources), productionText = try Self.text(production)
        let now = clock.micros, auditor = self.auditor
        return try await database.write { connection in
            try connection.execute(
                """
                UPDATE inventories SET name = $2, reporting_year = $3, period_from = $4, period_to = $5, gwp = $6,
                  sources = $7, production = $8, updated_at = $9 WHERE id = $1
                """, .text(id), .text(name), .integer(Int64(period.year)), .text(period.from), .text(period.to),
                SQLValue(gwp), .text(sourcesText), .text(productionText), .integer(now))
            try auditor.append(.init(action: "inventories.update", target: id, organisationID: current.organisationID,
                                     details: ["changed": body.changedKeys.joined(separator: ",")]),
                               context: context, on: connection)
            return try Self.load(id, on: connection)
        }
    }

    static func period(year: Int?, period: Inventory.Period?) throws -> ReportingPeriod {
        switch (year, period) {
        case (let year?, nil): return try ReportingPeriod.year(year)
        case (nil, let period?): return try ReportingPeriod.explicit(from: period.from, to: period.to)
        case (.some, .some): throw APIError.invalidField("period", "give 'reporting_year' or 'period', not both")
        case (nil, nil): throw APIError.invalidField("reporting_year", "'reporting_year' or 'period' is required")
        }
    }

    static func text(_ values: [JSONValue]) throws -> String {
        String(decoding: try JSONValue.array(values).canonical(), as: UTF8.self)
    }

    func load(_ id: String) async throws -> Inventory {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("inventory") }
        return try await database.read { try Self.load(id.lowercased(), on: $0) }
    }

    static func load(_ id: String, on connection: any SQLConnection) throws -> Inventory {
        guard let row = try connection.first(Inventory.select + " WHERE i.id = $1", .text(id)) else {
            throw APIError.notFound("inventory")
        }
        return try Inventory(row: row)
    }
}

extension InventoryUpdate {
    var changedKeys: [String] {
        [("name", name != nil), ("reporting_year", reportingYear != nil), ("period", period != nil), ("gwp", gwp != nil),
         ("sources", sources != nil), ("production", production != nil)].filter(\.1).map(\.0)
    }
}
