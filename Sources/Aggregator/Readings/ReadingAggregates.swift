import CarbonCore
import Foundation

/// Downsampled series (1 minute, 1 hour, 1 day) kept up to date by every ingest transaction, so a
/// year of 1-second readings is read as 365 day rows, not 31 million raw ones. Every figure is
/// exact decimal text computed with `Decimal` (SQL arithmetic on text would go through floats on
/// SQLite). Minutes and hours are UTC-aligned; days start at the site's local midnight, which is
/// what a site's daily total means.
enum Resolution: String, Sendable, CaseIterable {
    case minute = "1m"
    case hour = "1h"
    case day = "1d"
}

/// One bucket's aggregate. `first`/`last` are the values at the earliest and latest times; on an
/// equal time the first arrival stays first and the latest arrival becomes last.
struct AggregateBucket: Sendable, Equatable {
    var count: Int64
    var sum: Decimal
    var min: Decimal
    var max: Decimal
    var first: Decimal
    var firstMs: Int64
    var last: Decimal
    var lastMs: Int64

    init(value: Decimal, timeMs: Int64) {
        count = 1
        sum = value
        min = value
        max = value
        first = value
        firstMs = timeMs
        last = value
        lastMs = timeMs
    }

    init(count: Int64, sum: Decimal, min: Decimal, max: Decimal, first: Decimal, firstMs: Int64, last: Decimal,
         lastMs: Int64) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.first = first
        self.firstMs = firstMs
        self.last = last
        self.lastMs = lastMs
    }

    /// Folds `later` (newer arrivals) into this bucket.
    mutating func merge(_ later: AggregateBucket) {
        count += later.count
        sum += later.sum
        if later.min < min { min = later.min }
        if later.max > max { max = later.max }
        if later.firstMs < firstMs { first = later.first; firstMs = later.firstMs }
        if later.lastMs >= lastMs { last = later.last; lastMs = later.lastMs }
    }

    var average: Decimal { count == 0 ? 0 : sum / Decimal(count) }
}

/// Which bucket a time falls in, per resolution. Day starts are computed with the site's calendar
/// (DST days are 23 or 25 hours) and cached, since a batch rarely spans more than one day.
struct BucketCalendar {
    private var calendar: Calendar
    private var cachedDay: Range<Int64>?

    init(timeZone: TimeZone) {
        calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
    }

    mutating func bucket(_ timeMs: Int64, _ resolution: Resolution) -> Int64 {
        switch resolution {
        case .minute: return Self.floor(timeMs, 60_000)
        case .hour: return Self.floor(timeMs, 3_600_000)
        case .day:
            if let day = cachedDay, day.contains(timeMs) { return day.lowerBound }
            let date = Date(timeIntervalSince1970: Double(timeMs) / 1000)
            let start = calendar.startOfDay(for: date)
            let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
            let day = Self.milliseconds(start)..<Self.milliseconds(end)
            cachedDay = day
            return day.lowerBound
        }
    }

    static func floor(_ value: Int64, _ width: Int64) -> Int64 {
        let remainder = value % width
        return remainder < 0 ? value - remainder - width : value - remainder
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

enum ReadingAggregates {
    struct Key: Hashable, Sendable {
        let seriesID: Int64
        let resolution: Resolution
        let bucketMs: Int64
    }

    /// The aggregates of freshly stored readings, before merging with what the database holds.
    /// Readings fold into minutes; minutes fold into hours and days (a minute never straddles a
    /// day: time zone offsets are whole quarter hours), so most `Decimal` work is done once.
    static func fold(_ readings: [(seriesID: Int64, timeMs: Int64, value: Decimal)], timeZone: TimeZone)
        -> [Key: AggregateBucket]
    {
        var minutes: [Key: AggregateBucket] = [:]
        for reading in readings {
            let key = Key(seriesID: reading.seriesID, resolution: .minute,
                          bucketMs: BucketCalendar.floor(reading.timeMs, 60_000))
            let fresh = AggregateBucket(value: reading.value, timeMs: reading.timeMs)
            if minutes[key] == nil { minutes[key] = fresh } else { minutes[key]!.merge(fresh) }
        }
        var calendar = BucketCalendar(timeZone: timeZone)
        var buckets = minutes
        for (minute, bucket) in minutes.sorted(by: { $0.key.bucketMs < $1.key.bucketMs }) {
            for resolution in [Resolution.hour, .day] {
                let key = Key(seriesID: minute.seriesID, resolution: resolution,
                              bucketMs: calendar.bucket(minute.bucketMs, resolution))
                if buckets[key] == nil { buckets[key] = bucket } else { buckets[key]!.merge(bucket) }
            }
        }
        return buckets
    }

    static let columns = ["series_id", "resolution", "bucket_ms", "count", "sum", "min", "max", "first", "first_ms",
                          "last", "last_ms"]

    /// Merges `fresh` into the stored buckets and writes them back, inside the ingest transaction
    /// (which holds the agent's lock on PostgreSQL, so no other transaction merges into the same
    /// series meanwhile).
    static func apply(_ fresh: [Key: AggregateBucket], on connection: any SQLConnection) throws {
        guard !fresh.isEmpty else { return }
        var merged = fresh
        // The stored buckets for these keys, 32 keys per statement (padded to a power of two so a
        // handful of statement texts serve every batch): one round trip per chunk on PostgreSQL.
        let keys = fresh.keys.sorted { ($0.seriesID, $0.bucketMs) < ($1.seriesID, $1.bucketMs) }
        for start in stride(from: 0, to: keys.count, by: 32) {
            let chunk = Array(keys[start..<min(start + 32, keys.count)])
            var size = 1
            while size < chunk.count { size *= 2 }
            var parameters: [SQLValue] = []
            let terms = (0..<size).map { index -> String in
                let key = chunk[min(index, chunk.count - 1)]
                parameters += [.integer(key.seriesID), .text(key.resolution.rawValue), .integer(key.bucketMs)]
                let n = parameters.count
                return "(series_id = $\(n - 2) AND resolution = $\(n - 1) AND bucket_ms = $\(n))"
            }
            let rows = try connection.query(
                """
                SELECT series_id, resolution, bucket_ms, count, sum, min, max, first, first_ms, last, last_ms
                FROM reading_aggregates WHERE \(terms.joined(separator: " OR "))
                """, parameters)
            for row in rows {
                guard let resolution = Resolution(rawValue: try row.text("resolution")) else { continue }
                let key = Key(seriesID: try row.int64("series_id"), resolution: resolution,
                              bucketMs: try row.int64("bucket_ms"))
                guard let update = fresh[key] else { continue }
                var stored = try bucket(row)
                stored.merge(update)
                merged[key] = stored
            }
        }
        let rows = merged.sorted { ($0.key.seriesID, $0.key.bucketMs) < ($1.key.seriesID, $1.key.bucketMs) }
            .map { key, bucket -> [SQLValue] in
                [.integer(key.seriesID), .text(key.resolution.rawValue), .integer(key.bucketMs), .integer(bucket.count),
                 .text(DecimalText.plain(bucket.sum)), .text(DecimalText.plain(bucket.min)),
                 .text(DecimalText.plain(bucket.max)), .text(DecimalText.plain(bucket.first)), .integer(bucket.firstMs),
                 .text(DecimalText.plain(bucket.last)), .integer(bucket.lastMs)]
            }
        try BulkInsert.insert(
            into: "reading_aggregates", columns: columns, rows: rows,
            suffix: """
                ON CONFLICT (series_id, resolution, bucket_ms) DO UPDATE SET count = excluded.count, sum = excluded.sum,
                min = excluded.min, max = excluded.max, first = excluded.first, first_ms = excluded.first_ms,
                last = excluded.last, last_ms = excluded.last_ms
                """, on: connection)
    }

    static func bucket(_ row: SQLRow) throws -> AggregateBucket {
        func decimal(_ name: String) throws -> Decimal {
            do { return try DecimalText.parse(try row.text(name)) } catch {
                throw DatabaseError(.decoding, "reading_aggregates.\(name) is not a decimal")
            }
        }
        return AggregateBucket(count: try row.int64("count"), sum: try decimal("sum"), min: try decimal("min"),
                               max: try decimal("max"), first: try decimal("first"), firstMs: try row.int64("first_ms"),
                               last: try decimal("last"), lastMs: try row.int64("last_ms"))
    }
}
