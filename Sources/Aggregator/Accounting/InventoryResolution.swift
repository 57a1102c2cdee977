import CarbonCore
import Foundation
import HTTPTypes

/// Resolves an inventory's activity data: each mapped series summed over the period (in the
/// organisation's time zone) into its source's quantity, each measurement mapping turned into a
/// CEMS source's hourly records, and the manual sources as entered. The result is the CarbonCore
/// document that is calculated and stored with the version, plus how well telemetry covered it.
struct InventoryResolution: Sendable {
    struct Coverage: Encodable, Sendable {
        struct Gap: Encodable, Sendable { let from: String; let to: String }
        let mappingID: String
        let sourceID: String
        let seriesID: Int64
        let siteID: String
        let quantity: String?
        let readings: Int64
        let hoursExpected: Int
        let hoursWithData: Int
        let gapCount: Int
        let gaps: [Gap]
        let counterResets: Int
        let firstReading: String?
        let lastReading: String?

        enum CodingKeys: String, CodingKey {
            case quantity, readings, gaps
            case mappingID = "mapping_id", sourceID = "source_id", seriesID = "series_id", siteID = "site_id"
            case hoursExpected = "hours_expected", hoursWithData = "hours_with_data", gapCount = "gap_count"
            case counterResets = "counter_resets", firstReading = "first_reading", lastReading = "last_reading"
        }
    }

    var document: JSONValue
    var coverage: [Coverage] = []
    /// Source id → (site id, share weight): which site a telemetry-fed source's emissions belong to.
    var sites: [String: [(site: String, weight: Decimal)]] = [:]

    /// A mapping joined with its series' unit and site.
    struct MappedSeries: Sendable {
        let mapping: TagMapping
        let unit: String
        let siteID: String
    }

    static func loadMappings(organisationID: String, on connection: any SQLConnection) throws -> [MappedSeries] {
        let rows = try connection.query(
            """
            SELECT m.*, o.path, o.time_zone, s.unit AS series_unit, s.site_id AS series_site
            FROM inventory_mappings m JOIN organisations o ON o.id = m.organisation_id
            LEFT JOIN series s ON s.id = COALESCE(m.series_id, m.concentration_series_id)
            WHERE m.organisation_id = $1 ORDER BY m.source_id, m.created_at, m.id
            """, .text(organisationID))
        return try rows.map { row in
            MappedSeries(mapping: try TagMapping(row: row), unit: try row.optionalText("series_unit") ?? "",
                         siteID: try row.optionalText("series_site") ?? "")
        }
    }

    static func resolve(_ inventory: Inventory, mappings: [MappedSeries], range: Range<Int64>, nowMs: Int64,
                        manual: Bool = true, on connection: any SQLConnection) throws -> InventoryResolution {
        var resolved = InventoryResolution(document: .null)
        var order: [String] = []
        var templates: [String: [String: JSONValue]] = [:]
        var quantities: [String: [JSONValue]] = [:]
        for entry in mappings where entry.mapping.kind == "activity" {
            let mapping = entry.mapping
            guard let seriesID = mapping.seriesID, let unit = mapping.unit else { continue }
            let aggregation = TelemetryTotals.Aggregation(rawValue: mapping.aggregation ?? "sum") ?? .sum
            let activity = try TelemetryTotals.activity(series: seriesID, over: range, aggregation: aggregation,
                                                        nowMs: nowMs, on: connection)
            let value = try quantity(activity.total, from: entry.unit, to: unit, conversion: mapping.conversion)
            if templates[mapping.sourceID] == nil {
                order.append(mapping.sourceID)
                templates[mapping.sourceID] = mapping.source.object ?? [:]
            }
            quantities[mapping.sourceID, default: []].append(JSONValue.quantity(DecimalText.plain(value), unit))
            resolved.sites[mapping.sourceID, default: []].append((entry.siteID, value))
            resolved.coverage.append(coverage(mapping, seriesID: seriesID, site: entry.siteID, activity: activity,
                                              quantity: DecimalText.plain(value) + " " + unit))
        }
        var sources: [JSONValue] = order.map { id in
            var object = templates[id] ?? [:]
            let list = quantities[id] ?? []
            if list.count == 1 { object["quantity"] = list[0] } else { object["quantities"] = .array(list) }
            return .object(object)
        }
        for entry in mappings where entry.mapping.kind == "measurement" {
            let (source, covered) = try MeasurementMapping.source(entry, range: range, nowMs: nowMs, on: connection)
            sources.append(source)
            resolved.coverage.append(contentsOf: covered)
            resolved.sites[entry.mapping.sourceID] = [(entry.siteID, 1)]
        }
        resolved.document = InventoryDocument.make(
            organisation: inventory.organisationName, period: inventory.reportingPeriod, gwp: inventory.gwp,
            sources: sources + (manual ? inventory.sources : []), production: manual ? inventory.production : [])
        return resolved
    }

    /// The series total in the source's unit: times the mapping's conversion factor when it has
    /// one, otherwise converted by CarbonCore's unit catalogue (kWh → MWh, Nm3 → 10^4 Nm3).
    static func quantity(_ total: Decimal, from seriesUnit: String, to unit: String, conversion: String?) throws -> Decimal {
        if let conversion, let factor = try? DecimalText.parse(conversion) { return total * factor }
        do {
            return try Quantity(total, try Unit.parse(seriesUnit)).value(in: try Unit.parse(unit))
        } catch {
            throw APIError(.unprocessableContent, "calculation_failed",
                           "a mapping's series unit '\(seriesUnit)' no longer converts to '\(unit)': \(error.message)",
                           field: "mappings")
        }
    }

    static func coverage(_ mapping: TagMapping, seriesID: Int64, site: String, activity: SeriesActivity,
                         quantity: String?) -> Coverage {
        Coverage(mappingID: mapping.id, sourceID: mapping.sourceID, seriesID: seriesID, siteID: site,
                 quantity: quantity, readings: activity.readings, hoursExpected: activity.hoursExpected,
                 hoursWithData: activity.hoursWithData, gapCount: activity.gapCount,
                 gaps: activity.gaps.map { Coverage.Gap(from: iso($0.lowerBound), to: iso($0.upperBound)) },
                 counterResets: activity.resets, firstReading: activity.firstMs.map(iso),
                 lastReading: activity.lastMs.map(iso))
    }

    static func iso(_ ms: Int64) -> String { ServiceClock.iso(ms * 1000) }
}
