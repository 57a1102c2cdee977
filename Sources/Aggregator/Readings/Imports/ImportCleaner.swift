import CarbonCore
import Foundation

/// The cleaning of an import, without a database: each row is resolved to a series of the site,
/// its time and value are checked, its unit normalised to the series' unit through CarbonCore, its
/// value range-checked; then rows equal to a stored reading or to an earlier row are set aside as
/// duplicates, and the accepted times of each series are searched for gaps. Pure functions, so the
/// rules are tested on their own and the service only adds the reads and the writes.
enum ImportCleaner {
    /// A series of the import's site a row may name (`device` = its agent's name or id).
    struct Target: Sendable {
        let seriesID: Int64
        let tag: String
        let unit: String
        let agentID: String
        let agentName: String
    }

    /// A row that passed every per-row check: its series, time and value in the series' unit.
    struct Candidate: Sendable, Equatable {
        let row: Int
        let seriesID: Int64
        let tag: String
        let timeMs: Int64
        let value: Decimal
        /// The unit written in the file, when it was converted.
        let convertedFrom: String?
    }

    enum Reason {
        static let missingField = "missing_field"
        static let otherSite = "other_site"
        static let unknownSeries = "unknown_series"
        static let ambiguousSeries = "ambiguous_series"
        static let invalidTime = "invalid_time"
        static let timeInFuture = "time_in_future"
        static let timeTooOld = "time_too_old"
        static let invalidValue = "invalid_value"
        static let unknownUnit = "unknown_unit"
        static let incompatibleUnit = "incompatible_unit"
        static let outOfRange = "out_of_range"
    }

    /// Per-row checks. Returns the candidates and the rejected rows, both in row order.
    static func screen(_ rows: [ImportRow], siteID: String, targets: [Target], rules: ImportRules, nowMs: Int64)
        -> (candidates: [Candidate], rejected: [ImportReport.Rejection])
    {
        let byTag = Dictionary(grouping: targets, by: \.tag)
        var candidates: [Candidate] = []
        var rejected: [ImportReport.Rejection] = []
        for row in rows {
            switch check(row, siteID: siteID, byTag: byTag, rules: rules, nowMs: nowMs) {
            case .success(let candidate): candidates.append(candidate)
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        return (candidates, rejected)
    }

    private static func check(_ row: ImportRow, siteID: String, byTag: [String: [Target]], rules: ImportRules,
                              nowMs: Int64) -> Result<Candidate, ImportReport.Rejection> {
        func reject(_ reason: String, _ field: String, _ message: String) -> Result<Candidate, ImportReport.Rejection> {
            .failure(ImportReport.Rejection(row: row.number, reason: reason, field: field, message: message))
        }
        let cells = [("site", row.site), ("tag", row.tag), ("time", row.time), ("value", row.value), ("unit", row.unit)]
        if let empty = cells.first(where: { $0.1?.isEmpty == true }) {
            return reject(Reason.missingField, empty.0, "'\(empty.0)' is empty")
        }
        if let site = row.site, site.lowercased() != siteID.lowercased() {
            return reject(Reason.otherSite, "site", "the import is for site \(siteID); this row names another")
        }
        var matches = byTag[row.tag] ?? []
        if let device = row.device {
            matches = matches.filter { $0.agentName == device || $0.agentID == device.lowercased() }
        }
        guard let target = matches.first else {
            return reject(Reason.unknownSeries, "tag", "the site has no series '\(row.tag)'"
                          + (row.device.map { " of device '\($0)'" } ?? ""))
        }
        guard matches.count == 1 else {
            return reject(Reason.ambiguousSeries, "device",
                          "\(matches.count) devices at this site have tag '\(row.tag)': name the device")
        }
        guard let timeMs = try? HistoryQuery.time(row.time, field: "time") else {
            return reject(Reason.invalidTime, "time", "'\(row.time)' is not an ISO 8601 time with a zone")
        }
        if timeMs > nowMs + Int64(rules.futureWindowSeconds) * 1000 {
            return reject(Reason.timeInFuture, "time",
                          "more than \(rules.futureWindowSeconds) s after the time of the import")
        }
        if timeMs < IngestTransaction.earliestMs {
            return reject(Reason.timeTooOld, "time", "before 2000-01-01")
        }
        guard StrictKeys.isPlain(row.value), let written = try? DecimalText.parse(row.value) else {
            return reject(Reason.invalidValue, "value", "'\(row.value)' is not a decimal number such as 1234.5")
        }
        var value = written, convertedFrom: String?
        if row.unit != target.unit {
            guard let from = try? Unit.parse(row.unit) else {
                return reject(Reason.unknownUnit, "unit", "unknown unit '\(row.unit)'")
            }
            guard let to = try? Unit.parse(target.unit), let factor = try? from.conversionFactor(to: to) else {
                return reject(Reason.incompatibleUnit, "unit",
                              "'\(row.unit)' cannot be converted to the series' unit '\(target.unit)'")
            }
            value = written * factor
            convertedFrom = row.unit
        }
        if let range = rules.range(for: target.tag) {
            if let min = range.min, value < min {
                return reject(Reason.outOfRange, "value", "\(DecimalText.plain(value)) \(target.unit) is below \(DecimalText.plain(min))")
            }
            if let max = range.max, value > max {
                return reject(Reason.outOfRange, "value", "\(DecimalText.plain(value)) \(target.unit) is above \(DecimalText.plain(max))")
            }
        }
        return .success(Candidate(row: row.number, seriesID: target.seriesID, tag: target.tag, timeMs: timeMs,
                                  value: value, convertedFrom: convertedFrom))
    }

    /// Splits candidates into accepted and duplicates: equal (series, time, value) to a stored
    /// reading (`stored[series][time]` holds the stored values) or to an earlier row of the file.
    static func deduplicate(_ candidates: [Candidate], stored: [Int64: [Int64: [Decimal]]])
        -> (accepted: [Candidate], duplicates: [ImportReport.Duplicate])
    {
        struct Key: Hashable { let series: Int64; let time: Int64; let value: Decimal }
        var firstRow: [Key: Int] = [:]
        var accepted: [Candidate] = [], duplicates: [ImportReport.Duplicate] = []
        for candidate in candidates {
            let key = Key(series: candidate.seriesID, time: candidate.timeMs, value: candidate.value)
            let time = ServiceClock.iso(candidate.timeMs * 1000)
            if stored[candidate.seriesID]?[candidate.timeMs]?.contains(candidate.value) == true {
                duplicates.append(.init(row: candidate.row, seriesID: candidate.seriesID, time: time, ofRow: nil))
            } else if let earlier = firstRow[key] {
                duplicates.append(.init(row: candidate.row, seriesID: candidate.seriesID, time: time, ofRow: earlier))
            } else {
                firstRow[key] = candidate.row
                accepted.append(candidate)
            }
        }
        return (accepted, duplicates)
    }

    /// Gaps between consecutive readings of a series in the file (accepted or duplicate, since both
    /// are stored afterwards) wider than 1.5 × the tag's expected interval, so ordinary jitter is
    /// not a gap. `missing` is how many readings the interval says should have been there.
    static func gaps(_ candidates: [Candidate], rules: ImportRules) -> [ImportReport.Gap] {
        var gaps: [ImportReport.Gap] = []
        let bySeries = Dictionary(grouping: candidates, by: \.seriesID)
        for seriesID in bySeries.keys.sorted() {
            guard let rows = bySeries[seriesID], let tag = rows.first?.tag,
                  let seconds = rules.interval(for: tag) else { continue }
            let intervalMs = Int64(seconds) * 1000
            let times = Array(Set(rows.map(\.timeMs))).sorted()
            for (before, after) in zip(times, times.dropFirst()) where (after - before) * 2 > intervalMs * 3 {
                let steps = ((after - before) * 2 + intervalMs) / (2 * intervalMs)  // rounded to the nearest
                gaps.append(.init(seriesID: seriesID, tag: tag, after: ServiceClock.iso(before * 1000),
                                  before: ServiceClock.iso(after * 1000), missing: max(1, steps - 1),
                                  expectedIntervalSeconds: seconds))
            }
        }
        return gaps
    }
}
