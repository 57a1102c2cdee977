import Foundation

/// The validation report of one import, stored with it (as JSON text) and returned by the import
/// routes: what was accepted, what was rejected and why (by row), duplicates (of a stored
/// reading, `of_row` null, or of an earlier row), gaps, and the rules that were applied.
struct ImportReport: Codable, Sendable, Equatable {
    struct Counts: Codable, Sendable, Equatable {
        var total: Int
        var accepted: Int
        var rejected: Int
        var duplicates: Int
    }

    struct Rejection: Codable, Sendable, Equatable, Error {
        let row: Int
        let reason: String
        let field: String?
        let message: String
    }

    struct Duplicate: Codable, Sendable, Equatable {
        let row: Int
        let seriesID: Int64
        let time: String
        /// The earlier row of the same file it repeats; null when it repeats a stored reading.
        let ofRow: Int?

        enum CodingKeys: String, CodingKey {
            case row, time
            case seriesID = "series_id"
            case ofRow = "of_row"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row, forKey: .row)
            try c.encode(seriesID, forKey: .seriesID)
            try c.encode(time, forKey: .time)
            try c.encode(ofRow, forKey: .ofRow)  // null says "stored", so it is always present
        }
    }

    struct Gap: Codable, Sendable, Equatable {
        let seriesID: Int64
        let tag: String
        let after: String
        let before: String
        let missing: Int64
        let expectedIntervalSeconds: Int

        enum CodingKeys: String, CodingKey {
            case tag, after, before, missing
            case seriesID = "series_id"
            case expectedIntervalSeconds = "expected_interval_seconds"
        }
    }

    /// Per series: how many rows were accepted, and from which units they were converted.
    struct SeriesSummary: Codable, Sendable, Equatable {
        let seriesID: Int64
        let tag: String
        let unit: String
        let accepted: Int
        let convertedFrom: [String]

        enum CodingKeys: String, CodingKey {
            case tag, unit, accepted
            case seriesID = "series_id"
            case convertedFrom = "converted_from"
        }
    }

    let id: String
    let siteID: String
    let format: String
    let createdAt: String
    let createdBy: String
    let rows: Counts
    let rejected: [Rejection]
    let duplicates: [Duplicate]
    let gaps: [Gap]
    let series: [SeriesSummary]
    let rules: ImportRules
    /// Where the rules came from: `request`, `site` (stored for the site) or `default`.
    let rulesSource: String

    enum CodingKeys: String, CodingKey {
        case id, format, rows, rejected, duplicates, gaps, series, rules
        case siteID = "site_id"
        case createdAt = "created_at"
        case createdBy = "created_by"
        case rulesSource = "rules_source"
    }

    static let countsSchema = JSONSchema.object(
        ["total": .integer(minimum: 0), "accepted": .integer(minimum: 0), "rejected": .integer(minimum: 0),
         "duplicates": .integer(minimum: 0)], required: ["total", "accepted", "rejected", "duplicates"])

    static let schema = JSONSchema.object(
        ["id": .uuid, "site_id": .uuid, "format": .string(values: ["csv", "json"]), "created_at": .timestamp,
         "created_by": .string(), "rows": countsSchema,
         "rejected": .array(.object(["row": .integer(minimum: 1), "reason": .string(), "field": .nullable(.string()),
                                     "message": .string()], required: ["row", "reason", "message"])),
         "duplicates": .array(.object(["row": .integer(minimum: 1), "series_id": .integer(minimum: 1),
                                       "time": .timestamp, "of_row": .nullable(.integer(minimum: 1))],
                                      required: ["row", "series_id", "time", "of_row"])),
         "gaps": .array(.object(["series_id": .integer(minimum: 1), "tag": .string(), "after": .timestamp,
                                 "before": .timestamp, "missing": .integer(minimum: 1),
                                 "expected_interval_seconds": .integer(minimum: 1)],
                                required: ["series_id", "tag", "after", "before", "missing",
                                           "expected_interval_seconds"])),
         "series": .array(.object(["series_id": .integer(minimum: 1), "tag": .string(), "unit": .string(),
                                   "accepted": .integer(minimum: 0), "converted_from": .array(.string())],
                                  required: ["series_id", "tag", "unit", "accepted", "converted_from"])),
         "rules": ImportRules.replySchema, "rules_source": .string(values: ["request", "site", "default"])],
        required: ["id", "site_id", "format", "created_at", "created_by", "rows", "rejected", "duplicates", "gaps",
                   "series", "rules", "rules_source"])
}

/// One line of `GET /api/v1/readings/imports`: the import without its row details.
struct ImportSummary: Encodable, Sendable {
    let id: String
    let siteID: String
    let format: String
    let createdAt: String
    let createdBy: String
    let rows: ImportReport.Counts

    enum CodingKeys: String, CodingKey {
        case id, format, rows
        case siteID = "site_id"
        case createdAt = "created_at"
        case createdBy = "created_by"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "site_id": .uuid, "format": .string(values: ["csv", "json"]), "created_at": .timestamp,
         "created_by": .string(), "rows": ImportReport.countsSchema],
        required: ["id", "site_id", "format", "created_at", "created_by", "rows"])
}
