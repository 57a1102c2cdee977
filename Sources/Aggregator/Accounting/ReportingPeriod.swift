import Foundation

/// An inventory's period: local dates, both included, in the organisation's time zone. A reporting
/// year is 1 January to 31 December there, so in Asia/Shanghai a reading at 2025-12-31T16:30Z
/// (00:30 local on 1 January) belongs to 2026. Telemetry is summed over the UTC instants of
/// local midnight before `from` to local midnight after `to`.
struct ReportingPeriod: Sendable, Equatable {
    let from: String
    let to: String
    let year: Int

    static func year(_ year: Int) throws -> ReportingPeriod {
        guard (1900...2200).contains(year) else {
            throw APIError.invalidField("reporting_year", "'reporting_year' is a year from 1900 to 2200")
        }
        return ReportingPeriod(from: String(format: "%04d-01-01", year), to: String(format: "%04d-12-31", year), year: year)
    }

    /// An explicit period; its reporting year (for factor lookups) is the year of `to`.
    static func explicit(from: String, to: String) throws -> ReportingPeriod {
        let start = try date(from, field: "period.from"), end = try date(to, field: "period.to")
        guard start <= end else { throw APIError.invalidField("period.to", "'period.to' must not be before 'period.from'") }
        guard end.year - start.year <= 1 else {
            throw APIError.invalidField("period.to", "a period spans at most two calendar years")
        }
        return ReportingPeriod(from: from, to: to, year: end.year)
    }

    struct LocalDate: Comparable {
        let year: Int, month: Int, day: Int
        static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
    }

    static func date(_ text: String, field: String) throws -> LocalDate {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1900...2200).contains(year),
              let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { throw APIError.invalidField(field, "'\(field)' must be a date like 2026-12-31") }
        return LocalDate(year: year, month: month, day: day)
    }

    /// [start, end) in UTC milliseconds: local midnight of `from` to local midnight after `to`.
    func bounds(in timeZone: TimeZone) -> Range<Int64> {
        let calendar = Self.calendar(timeZone)
        guard let start = try? Self.date(from, field: "period.from"), let end = try? Self.date(to, field: "period.to"),
              let lower = calendar.date(from: DateComponents(year: start.year, month: start.month, day: start.day)),
              let last = calendar.date(from: DateComponents(year: end.year, month: end.month, day: end.day)),
              let upper = calendar.date(byAdding: .day, value: 1, to: last)
        else { return 0..<0 }
        return Self.ms(lower)..<Self.ms(upper)
    }

    /// The local calendar months the period touches, each clipped to the period.
    func months(in timeZone: TimeZone) -> [(label: String, range: Range<Int64>)] {
        let calendar = Self.calendar(timeZone), whole = bounds(in: timeZone)
        guard !whole.isEmpty, let start = try? Self.date(from, field: "period.from") else { return [] }
        var result: [(String, Range<Int64>)] = []
        var year = start.year, month = start.month
        while true {
            guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
                  let next = calendar.date(byAdding: .month, value: 1, to: first) else { break }
            let lower = max(Self.ms(first), whole.lowerBound), upper = min(Self.ms(next), whole.upperBound)
            if lower >= whole.upperBound { break }
            if lower < upper { result.append((String(format: "%04d-%02d", year, month), lower..<upper)) }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
