import CarbonCore
import Foundation

/// How telemetry feeds an organisation's inventories. An `activity` mapping turns one series into
/// the activity quantity of a calculated source (a gas meter's Nm3 → a combustion source, a power
/// meter's kWh → purchased electricity); a `measurement` mapping turns a stack's CO2 concentration
/// and flue-gas flow series into a CEMS source for CarbonCore's measurement-based method. `source`
/// is the CarbonCore source object without its quantity (or, for CEMS, without period and hours).
struct TagMapping: Encodable, Sendable {
    let id: String
    let organisationID: String
    let sourceID: String
    let kind: String
    let seriesID: Int64?
    let aggregation: String?
    let unit: String?
    let conversion: String?
    let concentrationSeriesID: Int64?
    let flowSeriesID: Int64?
    let source: JSONValue
    let createdAt: String
    let organisation: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, kind, aggregation, unit, conversion, source
        case organisationID = "organisation_id", sourceID = "source_id", seriesID = "series_id"
        case concentrationSeriesID = "concentration_series_id", flowSeriesID = "flow_series_id"
        case createdAt = "created_at"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "source_id": .string(), "kind": .string(values: ["activity", "measurement"]),
         "series_id": .nullable(.integer(minimum: 1)), "aggregation": .nullable(.string()), "unit": .nullable(.string()),
         "conversion": .nullable(.decimal), "concentration_series_id": .nullable(.integer(minimum: 1)),
         "flow_series_id": .nullable(.integer(minimum: 1)), "source": .map(.any), "created_at": .timestamp],
        required: ["id", "organisation_id", "source_id", "kind", "source", "created_at"])

    static let select = """
        SELECT m.*, o.path, o.time_zone FROM inventory_mappings m JOIN organisations o ON o.id = m.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        sourceID = try row.text("source_id")
        kind = try row.text("kind")
        seriesID = try row.optionalInt64("series_id")
        aggregation = try row.optionalText("aggregation")
        unit = try row.optionalText("unit")
        conversion = try row.optionalText("conversion")
        concentrationSeriesID = try row.optionalInt64("concentration_series_id")
        flowSeriesID = try row.optionalInt64("flow_series_id")
        source = (try? JSONValue.parse(try row.text("template"))) ?? .object([:])
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        organisation = OrganisationRef(
            id: organisationID, path: try OrganisationPath(text: try row.text("path")),
            timeZone: TimeZone(identifier: try row.text("time_zone")) ?? OrganisationRef.defaultTimeZone)
    }
}

struct TagMappingCreate: RequestBody {
    let organisationID: String
    let source: JSONValue
    let seriesID: Int64?
    let aggregation: String?
    let unit: String?
    let conversion: String?
    let concentrationSeriesID: Int64?
    let flowSeriesID: Int64?
    let concentrationBasis: String?
    let flowBasis: String?
    let moisture: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, aggregation, unit, conversion, moisture
        case organisationID = "organisation_id", seriesID = "series_id"
        case concentrationSeriesID = "concentration_series_id", flowSeriesID = "flow_series_id"
        case concentrationBasis = "concentration_basis", flowBasis = "flow_basis"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "source": .map(.any), "series_id": .integer(minimum: 1),
         "aggregation": .string(values: TelemetryTotals.Aggregation.allCases.map(\.rawValue)),
         "unit": .string(maxLength: 50, minLength: 1), "conversion": .decimal,
         "concentration_series_id": .integer(minimum: 1), "flow_series_id": .integer(minimum: 1),
         "concentration_basis": .string(values: ["dry", "wet"]), "flow_basis": .string(values: ["dry", "wet"]),
         "moisture": .string(maxLength: 20)],
        required: ["organisation_id", "source"])
}

/// Checks of a mapping body that need no database: the source template through CarbonCore's own
/// decoding, the unit, the conversion factor and the aggregation.
enum TagMappingValidation {
    /// Keys a template may not carry: the mapping supplies them from telemetry.
    static let supplied = ["quantity", "quantities", "period", "hours"]

    static func template(_ source: JSONValue, cems: Bool) throws -> (id: String, object: [String: JSONValue]) {
        guard var object = source.object else { throw APIError.invalidField("source", "'source' must be an object") }
        guard let id = object["id"]?.string, (1...100).contains(id.count) else {
            throw APIError.invalidField("source.id", "'source.id' is a string of 1 to 100 characters")
        }
        let kind = object["kind"]?.string
        if cems {
            guard kind == nil || kind == "cems" else {
                throw APIError.invalidField("source.kind", "a measurement mapping feeds a source of kind 'cems'")
            }
            object["kind"] = .string("cems")
        } else if kind == "cems" {
            throw APIError.invalidField("source.kind", "a 'cems' source needs concentration_series_id and flow_series_id")
        }
        if let key = supplied.first(where: { object[$0] != nil }) {
            throw APIError.invalidField("source.\(key)", "'source.\(key)' comes from telemetry; leave it out")
        }
        // CarbonCore decodes the source as it will at calculation time, with a stand-in quantity.
        var probe = object
        if cems {
            probe["period"] = .object(["from": .string("2024-01-01T00:00:00Z"), "to": .string("2024-01-01T00:00:00Z")])
            probe["hours"] = .array([])
        } else {
            probe["quantity"] = JSONValue.quantity("1", "t")
        }
        try InventoryDocument.check(sources: [.object(probe)], field: "source", index: false)
        return (id, object)
    }

    static func conversion(_ text: String?) throws -> Decimal? {
        guard let text else { return nil }
        guard let value = try? DecimalText.parse(text), value > 0 else {
            throw APIError.invalidField("conversion", "'conversion' is a positive decimal string such as \"0.001\"")
        }
        return value
    }

    /// The series' unit must convert to the source's unit, unless a conversion factor is given.
    static func unit(_ unit: String?, seriesUnit: String, conversion: Decimal?) throws -> String {
        guard let unit else { throw APIError.invalidField("unit", "'unit' (the unit the source expects) is required") }
        let target: CarbonCore.Unit
        do { target = try Unit.parse(unit) } catch {
            throw APIError.invalidField("unit", "'\(unit)' is not a unit CarbonCore knows: \(error.message)")
        }
        if conversion == nil {
            do { _ = try Quantity(1, try Unit.parse(seriesUnit)).converted(to: target) } catch {
                throw APIError.invalidField(
                    "unit", "the series is in '\(seriesUnit)', which does not convert to '\(unit)'; give 'conversion'")
            }
        }
        return unit
    }

    static func basis(_ text: String?, field: String) throws -> String {
        guard let text else { return "dry" }
        guard ["dry", "wet"].contains(text) else { throw APIError.invalidField(field, "'\(field)' is dry or wet") }
        return text
    }
}
