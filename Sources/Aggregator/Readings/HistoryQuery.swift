import Foundation

/// The parameters of a history query or export, parsed and checked: unknown parameters, bad times
/// and bad choices are a 422 naming the parameter, before any database work.
struct HistoryQuery: Sendable, Equatable {
    enum Interval: String, Sendable, CaseIterable {
        case raw
        case minute = "1m"
        case hour = "1h"
        case day = "1d"

        var resolution: Resolution? {
            switch self {
            case .raw: return nil
            case .minute: return .minute
            case .hour: return .hour
            case .day: return .day
            }
        }
    }

    enum Aggregate: String, Sendable, CaseIterable {
        case avg, min, max, sum, last
    }

    enum Selector: Sendable, Equatable {
        case series(Int64)
        case siteTag(siteID: String, tag: String)
    }

    enum ExportFormat: String, Sendable, CaseIterable {
        case csv, json
    }

    var selector: Selector
    var fromMs: Int64
    var toMs: Int64
    var interval: Interval = .raw
    var aggregate: Aggregate = .avg
    var limit = 1000
    var format: ExportFormat = .json

    static let maximumLimit = 100_000
    static let defaultWindowMs: Int64 = 24 * 3_600_000

    /// The documented query parameters; `parse` accepts exactly these (`format` on export only).
    static func parameters(export: Bool = false) -> [QueryParameter] {
        var list = [
            QueryParameter("series_id", .integer(minimum: 1), "the series; or give site_id and tag"),
            QueryParameter("site_id", .uuid, "with tag: the series of this tag at this site"),
            QueryParameter("tag", .string(maxLength: IngestBody.maximumTagLength, minLength: 1), "with site_id"),
            QueryParameter("from", QueryParameter.time, "inclusive; default: 24 h before 'to'"),
            QueryParameter("to", QueryParameter.time, "exclusive; default: now"),
            QueryParameter("interval", .string(values: Interval.allCases.map(\.rawValue)), "default raw"),
            QueryParameter("agg", .string(values: Aggregate.allCases.map(\.rawValue)), "needs an interval other than raw"),
            QueryParameter("limit", .integer(minimum: 1, maximum: Int64(maximumLimit)), "default 1000"),
        ]
        if export { list.append(QueryParameter("format", .string(values: ExportFormat.allCases.map(\.rawValue)))) }
        return list
    }

    /// `format` is accepted only by the export route.
    static func parse(_ parameters: [(String, String)], nowMs: Int64, export: Bool = false) throws -> HistoryQuery {
        let known = Self.parameters(export: export).map(\.name)
        var values: [String: String] = [:]
        for (key, value) in parameters {
            guard known.contains(key) else {
                throw APIError.invalidField(key, "unknown parameter '\(key)'; accepted: \(known.joined(separator: ", "))")
            }
            guard values[key] == nil else { throw APIError.invalidField(key, "'\(key)' is given twice") }
            values[key] = value
        }

        let selector: Selector
        switch (values["series_id"], values["site_id"], values["tag"]) {
        case (let id?, nil, nil):
            guard let number = Int64(id), number > 0 else {
                throw APIError.invalidField("series_id", "'series_id' must be a positive integer")
            }
            selector = .series(number)
        case (nil, let site?, let tag?):
            guard UUID(uuidString: site) != nil else { throw APIError.invalidField("site_id", "'site_id' must be a UUID") }
            guard !tag.isEmpty, tag.count <= IngestBody.maximumTagLength else {
                throw APIError.invalidField("tag", "'tag' must have 1 to \(IngestBody.maximumTagLength) characters")
            }
            selector = .siteTag(siteID: site.lowercased(), tag: tag)
        default:
            throw APIError.invalidField("series_id", "give either 'series_id', or 'site_id' and 'tag'")
        }

        let toMs = try values["to"].map { try time($0, field: "to") } ?? nowMs
        let fromMs = try values["from"].map { try time($0, field: "from") } ?? (toMs - defaultWindowMs)
        guard fromMs < toMs else { throw APIError.invalidField("from", "'from' must be before 'to'") }

        var query = HistoryQuery(selector: selector, fromMs: fromMs, toMs: toMs)
        if let text = values["interval"] {
            guard let interval = Interval(rawValue: text) else {
                throw APIError.invalidField("interval", "'interval' is one of raw, 1m, 1h, 1d")
            }
            query.interval = interval
        }
        if let text = values["agg"] {
            guard let aggregate = Aggregate(rawValue: text) else {
                throw APIError.invalidField("agg", "'agg' is one of avg, min, max, sum, last")
            }
            guard query.interval != .raw else {
                throw APIError.invalidField("agg", "'agg' needs an interval of 1m, 1h or 1d")
            }
            query.aggregate = aggregate
        }
        if let text = values["limit"] {
            guard let limit = Int(text), (1...maximumLimit).contains(limit) else {
                throw APIError.invalidField("limit", "'limit' is an integer from 1 to \(maximumLimit)")
            }
            query.limit = limit
        }
        if let text = values["format"] {
            guard let format = ExportFormat(rawValue: text) else {
                throw APIError.invalidField("format", "'format' is csv or json")
            }
            query.format = format
        }
        return query
    }

    /// ISO 8601 with or without fractional seconds, `Z` or an offset (`2025-11-25T18:00:00+08:00`).
    static func time(_ text: String, field: String) throws -> Int64 {
        let styles = [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()]
        for style in styles {
            if let date = try? style.parse(text) {
                let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
                guard (0...253_402_300_799_000).contains(ms) else { break }  // 1970 … 9999
                return ms
            }
        }
        throw APIError.invalidField(field, "'\(field)' must be an ISO 8601 time such as 2025-11-25T10:00:00Z")
    }

    /// The query string's pairs, percent-decoded, in order.
    static func pairs(_ query: some Sequence<(key: Substring, value: Substring)>) -> [(String, String)] {
        query.map { (String($0.key), String($0.value)) }
    }
}
