import CarbonCore
import Foundation

/// Reading history out: the series a caller may see, raw readings or downsampled aggregates of one
/// series over a time range, and the pages an export streams. A series is visible when its site
/// is (`readings:read` there); an invisible one is reported exactly like a missing one.
struct ReadingsService: Sendable {
    let database: any Database

    /// One point of a reply or an export, with the key the next page starts after.
    struct Point: Sendable {
        let timeMs: Int64
        let value: String
        let quality: String?
        let count: Int64?
        let cursor: Cursor
        /// Raw readings from an import (negative `store_epoch`): the import's id.
        var importID: String? = nil
    }

    /// Keyset position: raw rows are ordered by (time, epoch, sequence), aggregates by bucket.
    struct Cursor: Sendable, Equatable {
        let timeMs: Int64
        let epoch: Int64
        let seq: Int64
    }

    func listSeries(siteID: String?, tag: String?, scope: AccessScope) async throws -> [Series] {
        let prefixes = scope.prefixes(for: .readingsRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = [SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters)]
            if let siteID {
                parameters.append(.text(siteID.lowercased()))
                conditions.append("s.site_id = $\(parameters.count)")
            }
            if let tag {
                parameters.append(.text(tag))
                conditions.append("s.tag = $\(parameters.count)")
            }
            return try connection.query(
                Series.select + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY o.path, s.tag, s.id",
                parameters)
        }
        return scope.filter(try rows.map(Series.init(row:)), .readingsRead) { $0.site }
    }

    /// The series a query names, if the caller holds `permission` at its site; 404 otherwise.
    func series(_ selector: HistoryQuery.Selector, scope: AccessScope, permission: Permission) async throws -> Series {
        let rows = try await database.read { connection -> [SQLRow] in
            switch selector {
            case .series(let id):
                return try connection.query(Series.select + " WHERE s.id = $1", .integer(id))
            case .siteTag(let siteID, let tag):
                return try connection.query(Series.select + " WHERE s.site_id = $1 AND s.tag = $2 ORDER BY s.id",
                                            .text(siteID), .text(tag))
            }
        }
        let found = try rows.map(Series.init(row:))
        guard let first = found.first else { throw APIError.notFound("series") }
        try scope.require(permission, on: first.site, what: "series")
        guard found.count == 1 else {
            // Tags are unique per agent; a site with two agents may have the same tag twice.
            throw APIError.invalidField("tag", "\(found.count) series at this site have tag '\(first.tag)': "
                                        + "use series_id (\(found.map { String($0.id) }.joined(separator: ", ")))")
        }
        return first
    }

    /// Up to `limit` points of `query` after `cursor`, oldest first.
    func page(of series: Series, _ query: HistoryQuery, after cursor: Cursor?, limit: Int) async throws -> [Point] {
        let id = series.id
        guard let resolution = query.interval.resolution else {
            return try await database.read { connection in
                var sql = "SELECT time_ms, store_epoch, seq, value, quality FROM readings WHERE series_id = $1 "
                var parameters: [SQLValue] = [.integer(id), .integer(cursor?.timeMs ?? query.fromMs),
                                              .integer(query.toMs), .integer(Int64(limit))]
                sql += "AND time_ms >= $2 AND time_ms < $3 "
                if let cursor {
                    parameters += [.integer(cursor.epoch), .integer(cursor.seq)]
                    sql += "AND (time_ms, store_epoch, seq) > ($2, $5, $6) "
                }
                return try connection.query(sql + "ORDER BY time_ms, store_epoch, seq LIMIT $4", parameters).map { row in
                    let time = try row.int64("time_ms")
                    return Point(timeMs: time, value: try row.text("value"), quality: try row.text("quality"), count: nil,
                                 cursor: Cursor(timeMs: time, epoch: try row.int64("store_epoch"),
                                                seq: try row.int64("seq")))
                }
            }
        }
        let aggregate = query.aggregate
        let after = cursor.map { $0.timeMs + 1 } ?? query.fromMs
        return try await database.read { connection in
            try connection.query(
                """
                SELECT bucket_ms, count, sum, min, max, first, first_ms, last, last_ms FROM reading_aggregates
                WHERE series_id = $1 AND resolution = $2 AND bucket_ms >= $3 AND bucket_ms < $4
                ORDER BY bucket_ms LIMIT $5
                """, .integer(id), .text(resolution.rawValue), .integer(after), .integer(query.toMs),
                .integer(Int64(limit))
            ).map { row in
                let time = try row.int64("bucket_ms")
                let bucket = try ReadingAggregates.bucket(row)
                return Point(timeMs: time, value: Self.value(of: bucket, aggregate), quality: nil, count: bucket.count,
                             cursor: Cursor(timeMs: time, epoch: 0, seq: 0))
            }
        }
    }

    /// Names the import of each imported point: its store epoch is the import's number negated.
    func markingImports(_ points: [Point]) async throws -> [Point] {
        let numbers = Set(points.compactMap { $0.cursor.epoch < 0 ? -$0.cursor.epoch : nil })
        guard !numbers.isEmpty else { return points }
        let ids = try await database.read { connection in
            var parameters: [SQLValue] = []
            let list = BulkInsert.inList("number", numbers.sorted().map { .integer($0) }, parameters: &parameters)
            return try connection.query("SELECT number, id FROM reading_imports WHERE \(list)", parameters)
                .reduce(into: [Int64: String]()) { $0[try $1.int64("number")] = try $1.text("id") }
        }
        return points.map { point in
            var marked = point
            if point.cursor.epoch < 0 { marked.importID = ids[-point.cursor.epoch] }
            return marked
        }
    }

    static func value(of bucket: AggregateBucket, _ aggregate: HistoryQuery.Aggregate) -> String {
        switch aggregate {
        case .avg: return DecimalText.plain(bucket.average)
        case .min: return DecimalText.plain(bucket.min)
        case .max: return DecimalText.plain(bucket.max)
        case .sum: return DecimalText.plain(bucket.sum)
        case .last: return DecimalText.plain(bucket.last)
        }
    }

    func history(_ query: HistoryQuery, scope: AccessScope) async throws -> History {
        let series = try await series(query.selector, scope: scope, permission: .readingsRead)
        let points = try await markingImports(try await page(of: series, query, after: nil, limit: query.limit + 1))
        return History(
            series: series, interval: query.interval.rawValue,
            agg: query.interval == .raw ? nil : query.aggregate.rawValue,
            from: ServiceClock.iso(query.fromMs * 1000), to: ServiceClock.iso(query.toMs * 1000),
            points: points.prefix(query.limit).map(History.Point.init), truncated: points.count > query.limit)
    }
}

/// The reply of `GET /api/v1/readings`. Values are exact decimal strings.
struct History: Encodable, Sendable {
    struct Point: Encodable, Sendable {
        let time: String
        let value: String
        /// Raw readings only.
        let quality: String?
        /// Aggregates only: how many readings the bucket holds.
        let count: Int64?
        /// Raw readings that came from an import: its id (`GET /api/v1/readings/imports/:id`).
        let importID: String?

        enum CodingKeys: String, CodingKey {
            case time, value, quality, count
            case importID = "import_id"
        }

        init(_ point: ReadingsService.Point) {
            time = ServiceClock.iso(point.timeMs * 1000)
            value = point.value
            quality = point.quality
            count = point.count
            importID = point.importID
        }
    }

    let series: Series
    let interval: String
    let agg: String?
    let from: String
    let to: String
    let points: [Point]
    /// True when more points than `limit` fall in the range (ask again from the last time).
    let truncated: Bool

    static let schema = JSONSchema.object(
        ["series": Series.schema, "interval": .string(values: HistoryQuery.Interval.allCases.map(\.rawValue)),
         "agg": .nullable(.string(values: HistoryQuery.Aggregate.allCases.map(\.rawValue))),
         "from": .timestamp, "to": .timestamp,
         "points": .array(.object(
            ["time": .timestamp, "value": .decimal, "quality": .string(), "count": .integer(minimum: 1),
             "import_id": .uuid],
            required: ["time", "value"])),
         "truncated": .boolean],
        required: ["series", "interval", "from", "to", "points", "truncated"])
}
