import Foundation

/// Year-on-year change, peak year and change from the peak (REG-03), on unrounded values.
enum RegionalTrend {
    /// nil for an empty series. `series` is ascending by year.
    static func trend(_ series: [(year: Int, value: Decimal)], view: String) -> RegionalResult.Trend? {
        guard let first = series.first, let last = series.last else { return nil }
        var trail = FormulaTrail()
        var changes: [RegionalResult.Trend.Change] = []
        for (previous, current) in zip(series, series.dropFirst()) {
            // A change over a gap is not year-on-year, and one from zero has no percentage.
            guard current.year == previous.year + 1 else {
                trail.note("YoY_\(current.year)", "no data for \(current.year - 1): no year-on-year change")
                continue
            }
            guard previous.value != 0 else {
                trail.note("YoY_\(current.year)", "\(previous.year) is 0: no percentage change")
                continue
            }
            let percent = (current.value - previous.value) / previous.value * 100
            trail.step(
                "YoY_\(current.year)", "(E_\(current.year) − E_\(previous.year)) / E_\(previous.year) × 100",
                [Quantity(current.value, .tonneCO2), Quantity(previous.value, .tonneCO2)],
                Quantity(percent, RegionalCalculator.percent))
            changes.append(.init(year: current.year, percent: percent))
        }
        // Earliest year at the maximum: a plateau peaks when it is first reached.
        var peak = first
        for point in series where point.value > peak.value { peak = point }
        trail.step(
            "peak", "argmax over \(first.year)–\(last.year) (earliest on a tie)",
            [Quantity(peak.value, .tonneCO2)], Quantity(peak.value, .tonneCO2), note: "peak year \(peak.year)")
        var fromPeak: Decimal?
        if peak.value != 0 {
            fromPeak =
                trail.step(
                    "change_from_peak", "(E_\(last.year) − E_\(peak.year)) / E_\(peak.year) × 100",
                    [Quantity(last.value, .tonneCO2), Quantity(peak.value, .tonneCO2)],
                    Quantity((last.value - peak.value) / peak.value * 100, RegionalCalculator.percent)
                ).value
        }
        return RegionalResult.Trend(
            view: view, yearOnYear: changes, peakYear: peak.year, peakValue: peak.value, lastYear: last.year,
            lastValue: last.value, changeFromPeakPercent: fromPeak, trail: trail)
    }
}
