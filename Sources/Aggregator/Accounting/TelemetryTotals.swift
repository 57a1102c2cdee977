import CarbonCore
import Foundation

/// A series' activity over a period, read from the downsampled aggregates (hours inside the
/// period, minutes at edges that do not fall on a whole hour, e.g. zones at +05:30), never by
/// scanning a year of raw readings. Only an hour in which a counter was reset is read raw.
struct SeriesActivity: Sendable {
    var total: Decimal = 0
    var readings: Int64 = 0
    var hoursExpected = 0
    var hoursWithData = 0
    var resets = 0
    var firstMs: Int64?
    var lastMs: Int64?
    /// Runs of whole hours without a reading, [from, to) in UTC milliseconds (at most `maximumGaps`).
    var gaps: [Range<Int64>] = []
    var gapCount = 0

    static let maximumGaps = 50
}

enum TelemetryTotals {
    enum Aggregation: String, Sendable, CaseIterable {
        /// The readings are amounts per interval (kWh per reading): their sum.
        case sum
        /// A cumulative meter: last − first over the period, with counter resets handled.
        case counter
    }

    struct Bucket {
        let startMs: Int64
        let widthMs: Int64
        let value: AggregateBucket
    }

    static let hourMs: Int64 = 3_600_000

    static func activity(series: Int64, over range: Range<Int64>, aggregation: Aggregation, nowMs: Int64,
                         on connection: any SQLConnection) throws -> SeriesActivity {
        let buckets = try self.buckets(series: series, over: range, on: connection)
        var result = SeriesActivity()
        switch aggregation {
        case .sum: result.total = buckets.reduce(0) { $0 + $1.value.sum }
        case .counter: (result.total, result.resets) = try increase(buckets, series: series, on: connection)
        }
        result.readings = buckets.reduce(0) { $0 + $1.value.count }
        result.firstMs = buckets.map(\.value.firstMs).min()
        result.lastMs = buckets.map(\.value.lastMs).max()
        coverage(&result, buckets: buckets, range: range, nowMs: nowMs)
        return result
    }

    /// Hour buckets wholly inside the range, minute buckets for the partial hours at its edges.
    static func buckets(series: Int64, over range: Range<Int64>, on connection: any SQLConnection) throws -> [Bucket] {
        let firstHour = BucketCalendar.floor(range.lowerBound + hourMs - 1, hourMs)
        let lastHour = BucketCalendar.floor(range.upperBound, hourMs)
        var parts: [(Resolution, Int64, Range<Int64>)] = []
        if firstHour < lastHour {
            parts.append((.hour, hourMs, firstHour..<lastHour))
            if range.lowerBound < firstHour { parts.append((.minute, 60_000, range.lowerBound..<firstHour)) }
            if lastHour < range.upperBound { parts.append((.minute, 60_000, lastHour..<range.upperBound)) }
        } else {
            parts.append((.minute, 60_000, range))
        }
        var result: [Bucket] = []
        for (resolution, width, span) in parts where !span.isEmpty {
            let rows = try connection.query(
                """
                SELECT series_id, resolution, bucket_ms, count, sum, min, max, first, first_ms, last, last_ms
                FROM reading_aggregates WHERE series_id = $1 AND resolution = $2 AND bucket_ms >= $3 AND bucket_ms < $4
                """, .integer(series), .text(resolution.rawValue), .integer(span.lowerBound), .integer(span.upperBound))
            for row in rows {
                result.append(Bucket(startMs: try row.int64("bucket_ms"), widthMs: width,
                                     value: try ReadingAggregates.bucket(row)))
            }
        }
        return result.sorted { $0.startMs < $1.startMs }
    }

    /// The increase of a cumulative counter: within each bucket last − first, between buckets the
    /// step from one's last to the next's first. A step down is a reset (meter replaced or
    /// wrapped): the new reading is counted from zero, as Prometheus' `increase` does. A bucket
    /// whose minimum lies below its first value, or whose last lies below its maximum, had a reset
    /// inside it: only that bucket's raw readings are read to find it.
    static func increase(_ buckets: [Bucket], series: Int64, on connection: any SQLConnection) throws
        -> (Decimal, resets: Int)
    {
        var total: Decimal = 0, resets = 0
        var previous: Decimal?
        for bucket in buckets {
            let value = bucket.value
            if let previous {
                let step = value.first - previous
                if step >= 0 { total += step } else { total += value.first; resets += 1 }
            }
            if value.min < value.first || value.last < value.max {
                let raw = try connection.query(
                    """
                    SELECT value FROM readings WHERE series_id = $1 AND time_ms >= $2 AND time_ms < $3
                    ORDER BY time_ms, store_epoch, seq
                    """, .integer(series), .integer(bucket.startMs), .integer(bucket.startMs + bucket.widthMs))
                var last: Decimal?
                for row in raw {
                    guard let reading = try? DecimalText.parse(try row.text("value")) else { continue }
                    if let last {
                        let step = reading - last
                        if step >= 0 { total += step } else { total += reading; resets += 1 }
                    }
                    last = reading
                }
            } else {
                total += value.last - value.first
            }
            previous = value.last
        }
        return (total, resets)
    }

    /// Hours of the period (up to now) with and without readings; runs of empty hours are gaps.
    static func coverage(_ result: inout SeriesActivity, buckets: [Bucket], range: Range<Int64>, nowMs: Int64) {
        let end = min(range.upperBound, max(nowMs, range.lowerBound))
        let start = BucketCalendar.floor(range.lowerBound, hourMs)
        let filled = Set(buckets.map { BucketCalendar.floor($0.startMs, hourMs) })
        var hour = start
        var gapStart: Int64?
        while hour < end {
            result.hoursExpected += 1
            if filled.contains(hour) {
                result.hoursWithData += 1
                if let open = gapStart { close(&result, open..<hour); gapStart = nil }
            } else if gapStart == nil {
                gapStart = hour
            }
            hour += hourMs
        }
        if let open = gapStart { close(&result, open..<end) }
    }

    private static func close(_ result: inout SeriesActivity, _ gap: Range<Int64>) {
        result.gapCount += 1
        if result.gaps.count < SeriesActivity.maximumGaps { result.gaps.append(gap) }
    }
}
