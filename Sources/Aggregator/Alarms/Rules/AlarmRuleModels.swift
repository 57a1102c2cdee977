import CarbonCore
import Foundation

/// A server-side alarm rule as the API shows it: which site and series, how the current hour's or
/// day's figure is computed, and the two limits (early warning H, threshold HH).
struct AlarmRuleRecord: Encodable, Sendable {
    let id: String
    let organisationID: String
    let name: String
    let seriesID: Int64
    let seriesTag: String
    let seriesUnit: String
    let aggregate: String
    let period: String
    let factor: String?
    let unit: String
    let earlyWarning: String?
    let threshold: String
    let deadband: String
    let enabled: Bool
    let lastValue: String?
    let evaluatedAt: String?
    let createdAt: String
    let updatedAt: String
    /// For access checks and the site's days; not part of the JSON.
    let ref: OrganisationRef
    let engineState: String?

    enum CodingKeys: String, CodingKey {
        case id, name, aggregate, period, factor, unit, threshold, deadband, enabled
        case organisationID = "organisation_id", seriesID = "series_id", seriesTag = "series_tag"
        case seriesUnit = "series_unit", earlyWarning = "early_warning", lastValue = "last_value"
        case evaluatedAt = "evaluated_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    static let select = """
        SELECT r.*, s.tag AS s_tag, s.unit AS s_unit, o.path AS o_path, o.time_zone AS o_time_zone FROM alarm_rules r
        JOIN series s ON s.id = r.series_id JOIN organisations o ON o.id = r.organisation_id
        """

    init(row: SQLRow) throws {
        id = try row.text("id")
        organisationID = try row.text("organisation_id")
        name = try row.text("name")
        seriesID = try row.int64("series_id")
        seriesTag = try row.text("s_tag")
        seriesUnit = try row.text("s_unit")
        aggregate = try row.text("aggregate")
        period = try row.text("period")
        factor = try row.optionalText("factor")
        unit = try row.optionalText("unit") ?? seriesUnit
        earlyWarning = try row.optionalText("early_warning")
        threshold = try row.text("threshold")
        deadband = try row.text("deadband")
        enabled = try row.int64("enabled") != 0
        lastValue = try row.optionalText("last_value")
        evaluatedAt = try row.optionalInt64("evaluated_at").map(ServiceClock.iso)
        createdAt = ServiceClock.iso(try row.int64("created_at"))
        updatedAt = ServiceClock.iso(try row.int64("updated_at"))
        engineState = try row.optionalText("engine_state")
        ref = OrganisationRef(id: organisationID, path: try OrganisationPath(text: try row.text("o_path")),
                              timeZone: TimeZone(identifier: try row.text("o_time_zone")) ?? OrganisationRef.defaultTimeZone)
    }

    /// The alarms' identity in the central `alarms` table.
    var sourceKey: String { "rule:\(id)" }

    /// The CarbonCore rule: H = early warning, HH = threshold, one deadband, no delays (each
    /// evaluation is already a minute's settled figure).
    func engineRule() throws -> AlarmRule {
        let threshold = try DecimalText.parse(self.threshold), deadband = try DecimalText.parse(self.deadband)
        let early = try earlyWarning.map { try DecimalText.parse($0) }
        return try AlarmRule(tag: name, hh: AlarmLimit(limit: threshold), h: early.map { AlarmLimit(limit: $0) },
                             deadband: deadband)
    }

    static let aggregates = ["sum", "avg", "max", "last"]
    static let periods = ["hour", "day"]

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .name, "series_id": .integer(minimum: 1), "series_tag": .text,
         "series_unit": .text, "aggregate": .string(values: aggregates), "period": .string(values: periods),
         "factor": .nullable(.decimal), "unit": .text, "early_warning": .nullable(.decimal), "threshold": .decimal,
         "deadband": .decimal, "enabled": .boolean, "last_value": .nullable(.decimal),
         "evaluated_at": .nullable(.timestamp), "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "organisation_id", "name", "series_id", "series_tag", "series_unit", "aggregate", "period",
                   "unit", "threshold", "deadband", "enabled", "created_at", "updated_at"])
}

/// `POST /api/v1/alarm-rules`.
struct AlarmRuleCreate: RequestBody {
    let organisationID: String
    let name: String
    let seriesID: Int64
    let aggregate: String
    let period: String
    let factor: String?
    let unit: String?
    let earlyWarning: String?
    let threshold: String
    let deadband: String?
    let enabled: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, aggregate, period, factor, unit, threshold, deadband, enabled
        case organisationID = "organisation_id", seriesID = "series_id", earlyWarning = "early_warning"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["organisation_id": .uuid, "name": .name, "series_id": .integer(minimum: 1),
         "aggregate": .string(values: AlarmRuleRecord.aggregates), "period": .string(values: AlarmRuleRecord.periods),
         "factor": .decimal, "unit": .string(pattern: "\\S", maxLength: 50, minLength: 1), "early_warning": .decimal,
         "threshold": .decimal, "deadband": .decimal, "enabled": .boolean],
        required: ["organisation_id", "name", "series_id", "aggregate", "period", "threshold"])
}

/// `PATCH /api/v1/alarm-rules/:id`: the site and series are fixed (a rule for another series is a
/// new rule, with its own alarms).
struct AlarmRuleUpdate: RequestBody {
    let name: String?
    let aggregate: String?
    let period: String?
    let factor: String?
    let unit: String?
    let earlyWarning: String?
    let threshold: String?
    let deadband: String?
    let enabled: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, aggregate, period, factor, unit, threshold, deadband, enabled
        case earlyWarning = "early_warning"
    }
    typealias Keys = CodingKeys

    static let schema = JSONSchema.object(
        ["name": .name, "aggregate": .string(values: AlarmRuleRecord.aggregates),
         "period": .string(values: AlarmRuleRecord.periods), "factor": .decimal,
         "unit": .string(pattern: "\\S", maxLength: 50, minLength: 1), "early_warning": .decimal,
         "threshold": .decimal, "deadband": .decimal, "enabled": .boolean],
        required: [])
}

/// The checked settings of a rule, whichever route built them.
struct AlarmRuleSettings: Sendable, Equatable {
    var name: String
    var aggregate: String
    var period: String
    var factor: String?
    var unit: String?
    var earlyWarning: String?
    var threshold: String
    var deadband: String
    var enabled: Bool

    /// Throws a 422 naming the first bad field; nothing has been written.
    func validated() throws -> AlarmRuleSettings {
        var out = self
        out.name = try OrganisationValidation.name(name)
        guard AlarmRuleRecord.aggregates.contains(aggregate) else {
            throw APIError.invalidField("aggregate", "'aggregate' must be one of sum, avg, max, last")
        }
        guard AlarmRuleRecord.periods.contains(period) else {
            throw APIError.invalidField("period", "'period' must be hour or day")
        }
        out.threshold = try Self.decimal(threshold, field: "threshold")
        out.deadband = try Self.decimal(deadband, field: "deadband")
        out.earlyWarning = try earlyWarning.map { try Self.decimal($0, field: "early_warning") }
        if let factor {
            out.factor = try Self.decimal(factor, field: "factor")
            guard try DecimalText.parse(out.factor!) > 0 else {
                throw APIError.invalidField("factor", "a conversion factor must be above zero")
            }
            guard let unit, !unit.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.invalidField("unit", "a conversion factor needs the unit of its result")
            }
        }
        if let unit {
            let trimmed = unit.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 50 else {
                throw APIError.invalidField("unit", "'unit' must be 1 to 50 characters")
            }
            out.unit = trimmed
        }
        guard try DecimalText.parse(out.deadband) >= 0 else {
            throw APIError.invalidField("deadband", "a deadband cannot be negative")
        }
        if let early = out.earlyWarning, try DecimalText.parse(early) >= DecimalText.parse(out.threshold) {
            throw APIError.invalidField("early_warning", "the early warning must be below the threshold")
        }
        return out
    }

    private static func decimal(_ text: String, field: String) throws -> String {
        DecimalText.plain(try APIError.decimal(text, field: field))
    }
}
