import CarbonCore
import Foundation

/// The parameters of `GET /api/v1/series/:id/compare`: which period (a day, month or year of the
/// site's calendar, named by `at`), against which (the one before, or the same one a year earlier)
/// and with which aggregate.
struct ComparisonQuery: Sendable, Equatable {
    enum Period: String, Sendable, CaseIterable { case day, month, year }
    enum Against: String, Sendable, CaseIterable {
        case previous
        case yearAgo = "year_ago"
    }

    var period: Period
    var year: Int
    var month: Int
    var day: Int
    var against: Against = .previous
    var aggregate: HistoryQuery.Aggregate = .sum

    static let atPattern = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

    static let parameters: [QueryParameter] = [
        QueryParameter("period", .string(values: Period.allCases.map(\.rawValue)), required: true),
        QueryParameter("at", .string(pattern: atPattern), required: true,
                       "YYYY-MM-DD for a day, YYYY-MM (or a day in it) for a month, YYYY (or later parts) for a year"),
        QueryParameter("against", .string(values: Against.allCases.map(\.rawValue)), "default previous"),
        QueryParameter("agg", .string(values: HistoryQuery.Aggregate.allCases.map(\.rawValue)), "default sum"),
    ]

    static func parse(_ pairs: [(String, String)]) throws -> ComparisonQuery {
        var values: [String: String] = [:]
        for (key, value) in pairs {
            guard values[key] == nil else { throw APIError.invalidField(key, "'\(key)' is given twice") }
            values[key] = value
        }
        guard let periodText = values["period"] else { throw APIError.invalidField("period", "'period' is required") }
        guard let period = Period(rawValue: periodText) else {
            throw APIError.invalidField("period", "'period' is one of day, month, year")
        }
        guard let at = values["at"] else { throw APIError.invalidField("at", "'at' is required") }
        let parts = at.split(separator: "-", omittingEmptySubsequences: false)
        let needed = period == .day ? 3 : period == .month ? 2 : 1
        guard at.range(of: atPattern, options: .regularExpression) != nil, parts.count >= needed,
              let year = Int(parts[0]), (1970...9999).contains(year) else {
            throw APIError.invalidField("at", "'at' is YYYY-MM-DD for a day, YYYY-MM for a month, YYYY for a year")
        }
        let month = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
        let day = parts.count > 2 ? Int(parts[2]) ?? 0 : 1
        guard (1...12).contains(month) else { throw APIError.invalidField("at", "the month is from 01 to 12") }
        var components = DateComponents(year: year, month: month)
        components.calendar = Calendar(identifier: .gregorian)
        let days = components.calendar?.range(of: .day, in: .month, for: components.date ?? Date())?.count ?? 31
        guard (1...days).contains(day) else { throw APIError.invalidField("at", "that month has \(days) days") }
        var query = ComparisonQuery(period: period, year: year, month: period == .year ? 1 : month,
                                    day: period == .day ? day : 1)
        if let text = values["against"] {
            guard let against = Against(rawValue: text) else {
                throw APIError.invalidField("against", "'against' is previous or year_ago")
            }
            query.against = against
        }
        if let text = values["agg"] {
            guard let aggregate = HistoryQuery.Aggregate(rawValue: text) else {
                throw APIError.invalidField("agg", "'agg' is one of avg, min, max, sum, last")
            }
            query.aggregate = aggregate
        }
        return query
    }

    /// The current and the comparison period as [start, end) in milliseconds, in `timeZone`.
    func bounds(in timeZone: TimeZone) -> (current: Range<Int64>, comparison: Range<Int64>) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let unit: Calendar.Component = period == .day ? .day : period == .month ? .month : .year
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
        let end = calendar.date(byAdding: unit, value: 1, to: start) ?? start
        let earlier = against == .yearAgo ? calendar.date(byAdding: .year, value: -1, to: start)
            : calendar.date(byAdding: unit, value: -1, to: start)
        let comparisonStart = earlier ?? start
        let comparisonEnd = calendar.date(byAdding: unit, value: 1, to: comparisonStart) ?? start
        let ms = BucketCalendar.milliseconds
        return (ms(start)..<ms(end), ms(comparisonStart)..<ms(comparisonEnd))
    }
}

/// The reply of a comparison. Values are exact decimal strings (null without data); the relative
/// change is (current − comparison) / |comparison|, rounded half-up to 6 places once.
struct PeriodComparison: Encodable, Sendable {
    struct Side: Encodable, Sendable {
        let from: String
        let to: String
        let value: String?
        let count: Int64

        enum CodingKeys: String, CodingKey { case from, to, value, count }

        /// `value` is always present, null without data (the schema requires it).
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(value, forKey: .value)
            try c.encode(count, forKey: .count)
        }
    }
    struct Change: Encodable, Sendable {
        let absolute: String?
        let relative: String?

        enum CodingKeys: String, CodingKey { case absolute, relative }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(absolute, forKey: .absolute)
            try c.encode(relative, forKey: .relative)
        }
    }

    let seriesID: Int64
    let tag: String
    let unit: String
    let period: String
    let against: String
    let agg: String
    let timeZone: String
    let current: Side
    let comparison: Side
    let change: Change

    enum CodingKeys: String, CodingKey {
        case tag, unit, period, against, agg, current, comparison, change
        case seriesID = "series_id"
        case timeZone = "time_zone"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seriesID, forKey: .seriesID)
        try c.encode(tag, forKey: .tag)
        try c.encode(unit, forKey: .unit)
        try c.encode(period, forKey: .period)
        try c.encode(against, forKey: .against)
        try c.encode(agg, forKey: .agg)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(current, forKey: .current)
        try c.encode(comparison, forKey: .comparison)
        try c.encode(change, forKey: .change)
    }

    static let relativePlaces = 6

    static func side(_ range: Range<Int64>, buckets: [AggregateBucket], _ aggregate: HistoryQuery.Aggregate) -> Side {
        Side(from: ServiceClock.iso(range.lowerBound * 1000), to: ServiceClock.iso(range.upperBound * 1000),
             value: value(buckets, aggregate).map(DecimalText.plain), count: buckets.reduce(0) { $0 + $1.count })
    }

    /// Day buckets folded into one: the average is the period's sum over its count, not a mean of days.
    static func value(_ buckets: [AggregateBucket], _ aggregate: HistoryQuery.Aggregate) -> Decimal? {
        guard var total = buckets.first else { return nil }
        for bucket in buckets.dropFirst() { total.merge(bucket) }
        return try? DecimalText.parse(ReadingsService.value(of: total, aggregate))  // stored figures are decimals
    }

    static func change(current: Side, comparison: Side) -> Change {
        guard let now = current.value.flatMap({ try? DecimalText.parse($0) }),
              let before = comparison.value.flatMap({ try? DecimalText.parse($0) })
        else { return Change(absolute: nil, relative: nil) }
        let difference = now - before
        let magnitude = before < 0 ? -before : before
        return Change(absolute: DecimalText.plain(difference),
                      relative: before == 0 ? nil : DecimalText.plain((difference / magnitude).rounded(places: relativePlaces)))
    }

    static let schema: JSONSchema = {
        let side = JSONSchema.object(["from": .timestamp, "to": .timestamp, "value": .nullable(.decimal),
                                      "count": .integer(minimum: 0)], required: ["from", "to", "value", "count"])
        return .object(
            ["series_id": .integer(minimum: 1), "tag": .string(), "unit": .string(),
             "period": .string(values: ComparisonQuery.Period.allCases.map(\.rawValue)),
             "against": .string(values: ComparisonQuery.Against.allCases.map(\.rawValue)),
             "agg": .string(values: HistoryQuery.Aggregate.allCases.map(\.rawValue)), "time_zone": .string(),
             "current": side, "comparison": side,
             "change": .object(["absolute": .nullable(.decimal), "relative": .nullable(.decimal)],
                               required: ["absolute", "relative"])],
            required: ["series_id", "tag", "unit", "period", "against", "agg", "time_zone", "current", "comparison",
                       "change"])
    }()
}

/// Reads the day aggregates of the two periods: a year is at most 366 rows per side.
struct ComparisonService: Sendable {
    let database: any Database

    func compare(series id: String, _ query: ComparisonQuery, scope: AccessScope) async throws -> PeriodComparison {
        guard let number = Int64(id), number > 0 else { throw APIError.notFound("series") }
        let series = try await ReadingsService(database: database).series(.series(number), scope: scope,
                                                                          permission: .readingsRead)
        let (current, comparison) = query.bounds(in: series.site.timeZone)
        let days = try await database.read { connection in
            try [current, comparison].map { range in
                try connection.query(
                    """
                    SELECT bucket_ms, count, sum, min, max, first, first_ms, last, last_ms FROM reading_aggregates
                    WHERE series_id = $1 AND resolution = $2 AND bucket_ms >= $3 AND bucket_ms < $4 ORDER BY bucket_ms
                    """, .integer(number), .text(Resolution.day.rawValue), .integer(range.lowerBound),
                    .integer(range.upperBound)
                ).map(ReadingAggregates.bucket)
            }
        }
        let now = PeriodComparison.side(current, buckets: days[0], query.aggregate)
        let before = PeriodComparison.side(comparison, buckets: days[1], query.aggregate)
        return PeriodComparison(
            seriesID: series.id, tag: series.tag, unit: series.unit, period: query.period.rawValue,
            against: query.against.rawValue, agg: query.aggregate.rawValue, timeZone: series.site.timeZone.identifier,
            current: now, comparison: before, change: PeriodComparison.change(current: now, comparison: before))
    }
}
