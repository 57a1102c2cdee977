import Foundation

/// The data-substitution rules for hours without a valid measurement. Invalid hours (flagged by
/// the data acquisition system) and missing hours (flagged `missing`, or absent from the record
/// list) are treated alike and grouped into gaps: maximal runs of consecutive non-valid hours of
/// one gas. Each hour of a gap gets the same substitute hourly mass, chosen by the gap's length:
///
/// 1. **Short gap, at most 24 hours** (`gap_mean`): the arithmetic mean of the hourly mass of the
///    last valid hour before the gap and of the first valid hour after it. A short gap at the
///    start or the end of the period has only one neighbour; that neighbour's value is used
///    (`gap_edge`).
/// 2. **Long gap, more than 24 hours** (`period_maximum`): the largest valid hourly mass of the
///    period. A long outage cannot be bridged by its neighbours, and the conservative value keeps
///    a broken analyser from lowering the reported emissions.
/// 3. **No valid hour at all**: no substitute exists; the calculation fails (`missingInput`) and
///    the source must be reported by the calculation method instead.
///
/// Substitution is on the hourly mass (C_dry × Q_dry), not on concentration and flow separately,
/// so the substitute is in the same unit as what it replaces and can be checked against the series.
enum GapSubstitution {
    /// The longest gap bridged by its neighbours.
    static let shortGapLimit = 24

    struct Gap: Hashable, Sendable {
        /// Offsets into the period, both included.
        let first: Int
        let last: Int
        let rule: MeasurementResult.SubstitutionRule
        /// The hourly mass, t, put in each hour of the gap.
        let value: Decimal
        /// Where the value came from, with the hours and values it was taken from.
        let basis: String

        var length: Int { last - first + 1 }
    }

    /// Gaps of `series` (nil = no valid value) and the value each is filled with. `start` names
    /// the hours in the explanation. Returns nil when there is no valid hour (rule 3).
    static func gaps(in series: [Decimal?], start: UTCHour) -> [Gap]? {
        let valid = series.compactMap { $0 }
        guard let maximum = valid.max() else { return nil }
        let maximumOffset = series.firstIndex { $0 == maximum } ?? 0
        func label(_ offset: Int) -> String { start.advanced(by: offset).description }
        func plain(_ value: Decimal) -> String { DecimalText.plain(value) + " t" }

        var gaps: [Gap] = []
        var offset = 0
        while offset < series.count {
            guard series[offset] == nil else {
                offset += 1
                continue
            }
            let first = offset
            while offset < series.count, series[offset] == nil { offset += 1 }
            let last = offset - 1
            let before = first > 0 ? series[first - 1] : nil
            let after = last + 1 < series.count ? series[last + 1] : nil
            let length = last - first + 1

            if length > shortGapLimit {
                gaps.append(Gap(first: first, last: last, rule: .periodMaximum, value: maximum,
                                basis: "gap of \(length) h > \(shortGapLimit) h: maximum valid hourly mass of the period, "
                                    + "\(label(maximumOffset)) = \(plain(maximum))"))
            } else if let before, let after {
                gaps.append(Gap(first: first, last: last, rule: .gapMean, value: (before + after) / 2,
                                basis: "gap of \(length) h ≤ \(shortGapLimit) h: mean of \(label(first - 1)) = "
                                    + "\(plain(before)) and \(label(last + 1)) = \(plain(after))"))
            } else if let neighbour = before ?? after {
                let neighbourOffset = before == nil ? last + 1 : first - 1
                gaps.append(Gap(first: first, last: last, rule: .gapEdge, value: neighbour,
                                basis: "gap of \(length) h ≤ \(shortGapLimit) h at the edge of the period: only "
                                    + "neighbour \(label(neighbourOffset)) = \(plain(neighbour))"))
            }
            // A gap with no neighbour at all covers the whole period and was refused above.
        }
        return gaps
    }
}
