import CarbonCore
import Foundation

/// A CEMS source built from telemetry: for each UTC hour of the period (up to the last whole hour
/// before now), the hour's mean stack concentration and mean flue-gas flow from the hourly
/// aggregates. An hour with either series silent is left out, so CarbonCore counts it missing and
/// its data-substitution report (in the version's result) shows what was filled in and why.
enum MeasurementMapping {
    /// Template keys that describe the analysers rather than the CarbonCore source.
    static let analyserKeys = ["concentration_basis", "flow_basis", "moisture"]

    static func source(_ entry: InventoryResolution.MappedSeries, range: Range<Int64>, nowMs: Int64,
                       on connection: any SQLConnection) throws -> (JSONValue, [InventoryResolution.Coverage]) {
        let mapping = entry.mapping
        guard let concentrationID = mapping.concentrationSeriesID, let flowID = mapping.flowSeriesID else {
            return (mapping.source, [])
        }
        var template = mapping.source.object ?? [:]
        let concentrationBasis = template["concentration_basis"]?.string ?? "dry"
        let flowBasis = template["flow_basis"]?.string ?? "dry"
        let moisture = template["moisture"]?.string
        for key in analyserKeys { template[key] = nil }

        let hour = TelemetryTotals.hourMs
        let start = BucketCalendar.floor(range.lowerBound, hour)
        var end = min(range.upperBound, BucketCalendar.floor(nowMs, hour))
        if end <= start { end = start + hour }
        let units = try connection.query("SELECT id, unit FROM series WHERE id = $1 OR id = $2",
                                         .integer(concentrationID), .integer(flowID))
        var unitOf: [Int64: String] = [:]
        for row in units { unitOf[try row.int64("id")] = try row.text("unit") }
        let concentration = try means(concentrationID, start..<end, on: connection)
        let flow = try means(flowID, start..<end, on: connection)

        var hours: [JSONValue] = []
        var time = start
        while time < end {
            if let c = concentration[time], let f = flow[time] {
                var record: [String: JSONValue] = [
                    "hour": .string(hourText(time)), "validity": .string("valid"),
                    "concentration": .object(["value": .string(DecimalText.plain(c)),
                                              "unit": .string(unitOf[concentrationID] ?? "ppm"),
                                              "basis": .string(concentrationBasis)]),
                    "flow": .object(["value": .string(DecimalText.plain(f)), "unit": .string(unitOf[flowID] ?? "Nm3/h"),
                                     "basis": .string(flowBasis)]),
                ]
                if let moisture { record["moisture"] = .string(moisture) }
                hours.append(.object(record))
            }
            time += hour
        }
        template["period"] = .object(["from": .string(hourText(start)), "to": .string(hourText(end - hour))])
        template["hours"] = .array(hours)

        var covered: [InventoryResolution.Coverage] = []
        for seriesID in [concentrationID, flowID] {
            let activity = try TelemetryTotals.activity(series: seriesID, over: range, aggregation: .sum, nowMs: nowMs,
                                                        on: connection)
            covered.append(InventoryResolution.coverage(mapping, seriesID: seriesID, site: entry.siteID,
                                                        activity: activity, quantity: nil))
        }
        return (.object(template), covered)
    }

    /// Hour start (UTC ms) → mean of the hour's readings, exact.
    static func means(_ series: Int64, _ range: Range<Int64>, on connection: any SQLConnection) throws -> [Int64: Decimal] {
        var result: [Int64: Decimal] = [:]
        for bucket in try TelemetryTotals.buckets(series: series, over: range, on: connection) {
            let hour = BucketCalendar.floor(bucket.startMs, TelemetryTotals.hourMs)
            // Minute buckets only occur at partial-hour edges; an hour is then the mean of its minutes' readings.
            if bucket.widthMs == TelemetryTotals.hourMs || result[hour] == nil {
                result[hour] = bucket.value.average
            }
        }
        return result
    }

    static func hourText(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
