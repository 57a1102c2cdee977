import CarbonCore
import Foundation
import HTTPTypes

/// The CarbonCore inventory input (the JSON `carbonctl account` reads), assembled from an
/// inventory's draft and its resolved telemetry, and CarbonCore's decoding errors as API errors
/// that name the field.
enum InventoryDocument {
    static func make(organisation: String, period: ReportingPeriod, gwp: String?, sources: [JSONValue],
                     production: [JSONValue]) -> JSONValue {
        var object: [String: JSONValue] = [
            "organisation": .string(organisation),
            "period": .object(["from": .string(period.from), "to": .string(period.to)]),
            "year": .integer(Int64(period.year)),
            "sources": .array(sources),
        ]
        if let gwp { object["gwp"] = .string(gwp) }
        if !production.isEmpty { object["production"] = .array(production) }
        return .object(object)
    }

    static func decode(_ document: JSONValue) throws -> InventoryInput {
        do {
            return try InputDecoding.decode(InventoryInput.self, from: try document.canonical())
        } catch let error as CalculationError {
            throw apiError(error)
        }
    }

    /// Decodes draft sources (and production) as CarbonCore will, without calculating: a typo in
    /// a unit or a number written as a JSON number is refused when it is entered.
    static func check(sources: [JSONValue], production: [JSONValue] = [], gwp: String? = nil, field: String,
                      index: Bool) throws {
        let document = make(organisation: "check", period: ReportingPeriod(from: "2024-01-01", to: "2024-12-31", year: 2024),
                            gwp: gwp, sources: sources, production: production)
        do {
            _ = try InputDecoding.decode(InventoryInput.self, from: try document.canonical())
        } catch let error as CalculationError {
            var located = error
            if !index, let path = located.field, path.hasPrefix("sources[0]") {
                located.field = field + path.dropFirst("sources[0]".count)
            }
            throw apiError(located)
        }
        if let gwp {
            guard GWPEdition(rawValue: gwp.uppercased()) != nil else {
                throw APIError.invalidField("gwp", "'gwp' is one of AR2, AR4, AR5, AR6")
            }
        }
        for (position, source) in sources.enumerated() {
            guard source.object != nil else { throw APIError.invalidField("sources[\(position)]", "a source is an object") }
        }
    }

    static func apiError(_ error: CalculationError) -> APIError {
        APIError(.unprocessableContent, error.code == .noFactor || error.code == .ambiguousFactor ? "calculation_failed"
                    : "invalid_field", error.message, field: error.field ?? "sources")
    }
}

/// An inventory as the API shows it: the draft inputs and where its versions stand.
struct Inventory: Encodable, Sendable {
    struct Period: Codable, Sendable { let from: String; let to: String }

    let id: String
    let organisationID: String
    let name: String
    let reportingYear: Int
    let period: Period
    let gwp: String?
    let sources: [JSONValue]
    let production: [JSONValue]
    let latestVersion: Int?
    let approvedVersion: Int?
    let createdAt: String
    let updatedAt: String
    let organisation: OrganisationRef
    let organisationName: String

    var reportingPeriod: ReportingPeriod { ReportingPeriod(from: period.from, to: period.to, year: reportingYear) }

    enum CodingKeys: String, CodingKey {
        case id, name, period, gwp, sources, production
        case organisationID = "organisation_id", reportingYear = "reporting_year", latestVersion = "latest_version"
        case approvedVersion = "approved_version", createdAt = "created_at", updatedAt = "updated_at"
    }

    static let periodSchema = JSONSchema.object(["from": .string(format: "date"), "to": .string(format: "date")],
                                                required: ["from", "to"])
    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .text, "reporting_year": .integer(), "period": periodSchema,
         "gwp": .nullable(.string()), "sources": .array(.any), "production": .array(.any),
         "latest_version": .nullable(.integer()), "approved_version": .nullable(.integer()),
         "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "organisation_id", "name", "reporting_year", "period", "sources", "production", "created_at",
                   "updated_at"])

    static let select = """
        SELECT i.*, o.path, o.time_zone, o.name AS organisation_name,
          (SELECT max(number) FROM inventory_versions v WHERE v.inventory_id = i.id) AS latest_version,
          (SELECT max(number) FROM inventory_versions v WHERE v.inventory_id = i.id AND v.approved_at IS NOT NULL)
            AS approved_version
        FROM inventories i JOIN organisations o ON o.id = i.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        reportingYear = Int(try row.int64("reporting_year"))
        period = Period(from: try row.text("period_from"), to: try row.text("period_to"))
        gwp = try row.optionalText("gwp")
        sources = (try? JSONValue.parse(try row.text("sources")).array) ?? []
        production = (try? JSONValue.parse(try row.text("production")).array) ?? []
        latestVersion = try row.optionalInt64("latest_version").map(Int.init)
        approvedVersion = try row.optionalInt64("approved_version").map(Int.init)
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        organisationName = try row.text("organisation_name")
        organisation = OrganisationRef(
            id: organisationID, path: try OrganisationPath(text: try row.text("path")),
            timeZone: TimeZone(identifier: try row.text("time_zone")) ?? OrganisationRef.defaultTimeZone)
    }
}

struct InventoryCreate: RequestBody {
    let organisationID: String
    let name: String
    let reportingYear: Int?
    let period: Inventory.Period?
    let gwp: String?
    let sources: [JSONValue]?
    let production: [JSONValue]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, period, gwp, sources, production
        case organisationID = "organisation_id", reportingYear = "reporting_year"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "name": .name, "reporting_year": .integer(minimum: 1900, maximum: 2200),
         "period": Inventory.periodSchema, "gwp": .string(values: ["AR2", "AR4", "AR5", "AR6"]),
         "sources": .array(.map(.any)), "production": .array(.map(.any))],
        required: ["organisation_id", "name"])
}

struct InventoryUpdate: RequestBody {
    let name: String?
    let reportingYear: Int?
    let period: Inventory.Period?
    let gwp: String?
    let sources: [JSONValue]?
    let production: [JSONValue]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, period, gwp, sources, production
        case reportingYear = "reporting_year"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .name, "reporting_year": .integer(minimum: 1900, maximum: 2200), "period": Inventory.periodSchema,
         "gwp": .string(values: ["AR2", "AR4", "AR5", "AR6"]), "sources": .array(.map(.any)),
         "production": .array(.map(.any))],
        required: [])
}
