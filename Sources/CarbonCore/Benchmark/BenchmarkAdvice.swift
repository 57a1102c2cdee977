import Foundation

/// Plain-language advice in Chinese and English, written from the unrounded decision. Where
/// rounding would hide the difference (`0.8600004` shows as `0.86`), the text says so rather
/// than printing "0.000% above" next to "does not meet".
enum BenchmarkAdvice {
    static func advise(_ result: BenchmarkResult) -> BenchmarkResult.Advice {
        let unit = result.benchmark.unit.symbol
        let emissionsUnit = result.total.unit.symbol
        let intensity = DecimalText.format(result.intensity.value, places: result.intensityPlaces)
        let benchmark = DecimalText.plain(result.benchmark.value)
        let gap = visible(result.gapPercent.magnitude, places: BenchmarkResult.percentPlaces)
        let production = result.production.description
        var zh: String
        var en: String
        if result.meetsBenchmark && result.intensity.value == result.benchmark.value {
            zh = "排放强度 \(intensity) \(unit) 恰好等于基准值 \(benchmark) \(unit)，已达到基准，但没有余量。"
            en = "Intensity \(intensity) \(unit) equals the benchmark \(benchmark) \(unit): it meets it, with no headroom."
        } else if result.meetsBenchmark {
            let headroom = visible(result.headroom.value, places: BenchmarkResult.massPlaces)
            zh = "排放强度 \(intensity) \(unit) 达到基准值 \(benchmark) \(unit)（低于基准 \(gap)%）。"
                + "在产量 \(production) 不变的情况下，排放尚有 \(headroom) \(emissionsUnit) 的余量。"
            en = "Intensity \(intensity) \(unit) meets the benchmark \(benchmark) \(unit) (\(gap)% below). "
                + "At the same production (\(production)), emissions could rise by \(headroom) \(emissionsUnit) and still meet it."
        } else {
            let reduction = visible(result.reductionNeeded.value, places: BenchmarkResult.massPlaces)
            let target = DecimalText.format(result.total.value - result.reductionNeeded.value, places: BenchmarkResult.massPlaces)
            zh = "排放强度 \(intensity) \(unit) 未达到基准值 \(benchmark) \(unit)，高出 \(gap)%。"
                + "在产量 \(production) 不变的情况下，需减排 \(reduction) \(emissionsUnit)（降至 \(target) \(emissionsUnit)）方可达到基准。"
            en = "Intensity \(intensity) \(unit) does not meet the benchmark \(benchmark) \(unit): it is \(gap)% above. "
                + "At the same production (\(production)), emissions must fall by \(reduction) \(emissionsUnit) "
                + "(to \(target) \(emissionsUnit)) to meet it."
            if DecimalText.format(result.intensity.value, places: result.intensityPlaces)
                == DecimalText.format(result.benchmark.value, places: result.intensityPlaces)
            {
                let exact = DecimalText.plain(result.intensity.value)
                zh += "（显示值经四舍五入与基准相同；未修约值 \(exact) 高于基准。）"
                en += " (The rounded figures look equal; the unrounded intensity \(exact) is above the benchmark.)"
            }
        }
        if let ranking = result.ranking {
            let percentile = DecimalText.format(ranking.percentileRankPercent, places: BenchmarkResult.percentPlaces)
            zh += "\(ranking.peerCount) 家同行中有 \(ranking.strictlyLower) 家强度更低（百分位 \(percentile)%，"
                + "位于第 \(ranking.quartile) 四分位，1 为最优）。"
            en += " \(ranking.strictlyLower) of \(ranking.peerCount) peers have a lower intensity "
                + "(percentile rank \(percentile)%, quartile \(ranking.quartile) of 4, 1 = best)."
        }
        return .init(zh: zh, en: en)
    }

    /// Formatted at `places`, or `<0.001` when a non-zero value would round to zero.
    static func visible(_ value: Decimal, places: Int) -> String {
        let text = DecimalText.format(value, places: places)
        guard value != 0, value.rounded(places: places) == 0 else { return text }
        return "<" + DecimalText.format(Decimal(sign: .plus, exponent: -places, significand: 1), places: places)
    }
}
