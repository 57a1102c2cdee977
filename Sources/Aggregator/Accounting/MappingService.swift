import CarbonCore
import Foundation

/// Tag → source mappings of an organisation. A mapped series must be at one of the organisation's
/// sites (in its subtree) and visible to the caller; everything is checked before anything is
/// written, and each change commits with its audit record.
struct MappingService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    func list(organisationID: String?, scope: AccessScope) async throws -> [TagMapping] {
        let prefixes = scope.prefixes(for: .inventoriesRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            if let organisationID {
                parameters.append(.text(organisationID.lowercased()))
                conditions.append("m.organisation_id = $\(parameters.count)")
            }
            return try connection.query(
                TagMapping.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY o.path, m.source_id, m.id",
                parameters)
        }
        return scope.filter(try rows.map(TagMapping.init(row:)), .inventoriesRead) { $0.organisation }
    }

    func create(_ body: TagMappingCreate, scope: AccessScope, context: AppRequestContext) async throws -> TagMapping {
        let organisationID = try OrganisationValidation.id(body.organisationID, field: "organisation_id")
        let measurement = body.concentrationSeriesID != nil || body.flowSeriesID != nil
        let (sourceID, template) = try TagMappingValidation.template(body.source, cems: measurement)
        let principal = try context.requirePrincipal()
        let organisation = try await database.read { try OrganisationRef.load(id: organisationID, on: $0) }
        guard let organisation else { throw APIError.unknownReference("organisation_id", "organisation") }
        do { try scope.require(.inventoriesCreate, on: organisation, what: "organisation") } catch let error as APIError
            where error.code == "not_found" { throw APIError.unknownReference("organisation_id", "organisation") }

        var stored = template
        var values: [String: SQLValue] = [:]
        if measurement {
            guard body.seriesID == nil else {
                throw APIError.invalidField("series_id", "a measurement mapping takes concentration_series_id and flow_series_id, not series_id")
            }
            guard let concentrationID = body.concentrationSeriesID else {
                throw APIError.invalidField("concentration_series_id", "'concentration_series_id' is required with 'flow_series_id'")
            }
            guard let flowID = body.flowSeriesID else {
                throw APIError.invalidField("flow_series_id", "'flow_series_id' is required with 'concentration_series_id'")
            }
            let concentration = try await series(concentrationID, field: "concentration_series_id", within: organisation, scope: scope)
            guard ["ppm", "mg/m3", "mg/Nm3"].contains(concentration.unit) else {
                throw APIError.invalidField("concentration_series_id", "the concentration series is in '\(concentration.unit)'; ppm or mg/m3 is needed")
            }
            let flow = try await series(flowID, field: "flow_series_id", within: organisation, scope: scope)
            guard flow.unit.hasPrefix("Nm3/") || flow.unit == "Nm3/h" else {
                throw APIError.invalidField("flow_series_id", "the flow series is in '\(flow.unit)'; Nm3/h is needed")
            }
            let concentrationBasis = try TagMappingValidation.basis(body.concentrationBasis, field: "concentration_basis")
            let flowBasis = try TagMappingValidation.basis(body.flowBasis, field: "flow_basis")
            if concentrationBasis == "wet" || flowBasis == "wet" {
                guard let moisture = body.moisture, (try? Quantity.parseRatio(moisture)) != nil else {
                    throw APIError.invalidField("moisture", "a wet basis needs 'moisture', such as \"12%\"")
                }
                stored["moisture"] = .string(moisture)
            }
            stored["concentration_basis"] = .string(concentrationBasis)
            stored["flow_basis"] = .string(flowBasis)
            values = ["kind": .text("measurement"), "concentration": .integer(concentrationID), "flow": .integer(flowID)]
        } else {
            guard let seriesID = body.seriesID else {
                throw APIError.invalidField("series_id", "'series_id' (or concentration_series_id and flow_series_id) is required")
            }
            let aggregation = body.aggregation ?? "sum"
            guard TelemetryTotals.Aggregation(rawValue: aggregation) != nil else {
                throw APIError.invalidField("aggregation", "'aggregation' is sum or counter")
            }
            let conversion = try TagMappingValidation.conversion(body.conversion)
            let series = try await series(seriesID, field: "series_id", within: organisation, scope: scope)
            let unit = try TagMappingValidation.unit(body.unit, seriesUnit: series.unit, conversion: conversion)
            values = ["kind": .text("activity"), "series": .integer(seriesID), "aggregation": .text(aggregation),
                      "unit": .text(unit), "conversion": SQLValue(conversion.map(DecimalText.plain))]
        }
        let templateText = String(decoding: try JSONValue.object(stored).canonical(), as: UTF8.self)
        let id = SecretToken.newID(), now = clock.micros, auditor = self.auditor, columns = values
        return try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO inventory_mappings (id, organisation_id, source_id, kind, series_id, aggregation, unit, conversion,
                  concentration_series_id, flow_series_id, template, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """, .text(id), .text(organisationID), .text(sourceID), columns["kind"] ?? .null, columns["series"] ?? .null,
                columns["aggregation"] ?? .null, columns["unit"] ?? .null, columns["conversion"] ?? .null,
                columns["concentration"] ?? .null, columns["flow"] ?? .null, .text(templateText), .text(principal.id),
                .integer(now))
            try auditor.append(.init(action: "inventory_mappings.create", target: id, organisationID: organisationID,
                                     details: ["source_id": sourceID]), context: context, on: connection)
            return try TagMapping(row: try connection.first(TagMapping.select + " WHERE m.id = $1", .text(id))!)
        }
    }

    func delete(_ id: String, scope: AccessScope, context: AppRequestContext) async throws {
        guard UUID(uuidString: id) != nil else { throw APIError.notFound("mapping") }
        let row = try await database.read { try $0.first(TagMapping.select + " WHERE m.id = $1", .text(id.lowercased())) }
        guard let row else { throw APIError.notFound("mapping") }
        let mapping = try TagMapping(row: row)
        try scope.require(.inventoriesRead, on: mapping.organisation, what: "mapping")
        try scope.require(.inventoriesCreate, on: mapping.organisation, what: "mapping")
        let auditor = self.auditor
        try await database.write { connection in
            try connection.execute("DELETE FROM inventory_mappings WHERE id = $1", .text(mapping.id))
            try auditor.append(.init(action: "inventory_mappings.delete", target: mapping.id,
                                     organisationID: mapping.organisationID, details: ["source_id": mapping.sourceID]),
                               context: context, on: connection)
        }
    }

    /// The series, if the caller may read it and it is at a site of `organisation`; otherwise the
    /// same 422 as for a series that does not exist.
    private func series(_ id: Int64, field: String, within organisation: OrganisationRef, scope: AccessScope) async throws
        -> Series
    {
        let row = try await database.read { try $0.first(Series.select + " WHERE s.id = $1", .integer(id)) }
        guard let row, let series = try? Series(row: row), organisation.path.contains(series.site.path),
              scope.decide(.readingsRead, at: series.site.path, timeZone: series.site.timeZone).isAllowed
        else { throw APIError.unknownReference(field, "series at this organisation's sites") }
        return series
    }
}
