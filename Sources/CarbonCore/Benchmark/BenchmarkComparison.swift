import Foundation

/// Emission intensity against an industry benchmark and against peers (requirement M5). Every
/// decision (meets the benchmark, which peers are lower) is taken on the unrounded intensity:
/// `0.8600004` does not meet `0.860` even though both display as `0.86`.
public enum BenchmarkComparison {
    /// - Parameters:
    ///   - total: the emissions (`tCO2`, `tCO2e`…).
    ///   - production: the output they are divided by (`t` of clinker, `MWh`…); must be positive.
    ///   - benchmark: an intensity whose unit has the dimension of `total / production` (`tCO2/t`).
    ///   - peers: peer intensities in the benchmark's unit; empty for no ranking.
    ///   - intensityPlaces: places the intensity (and ratio) are shown with; decisions ignore it.
    public static func compare(total: Quantity, production: Quantity, benchmark: Quantity, peers: [Decimal] = [],
                               intensityPlaces: Int = BenchmarkResult.intensityPlaces)
        throws(CalculationError) -> BenchmarkResult
    {
        guard total.value >= 0 else {
            throw CalculationError(.negativeQuantity, "total emissions cannot be negative (\(total))", field: "total")
        }
        guard production.value > 0 else {
            throw CalculationError(.invalidInput, "production must be positive to divide by (\(production))",
                                   field: "production")
        }
        guard benchmark.value > 0 else {
            throw CalculationError(.invalidInput, "a benchmark must be positive (\(benchmark))", field: "benchmark")
        }
        var trail = FormulaTrail()
        let intensity: Quantity
        do {
            intensity = trail.step("I", "E / P", [total, production], try (total / production).converted(to: benchmark.unit))
        } catch {
            throw CalculationError(
                .dimensionMismatch,
                "\(total.unit.symbol)/\(production.unit.symbol) cannot be compared with a benchmark in \(benchmark.unit.symbol) "
                    + "(\((total / production).dimension) vs \(benchmark.dimension))",
                field: "benchmark.unit")
        }
        trail.use(.input("benchmark", benchmark))
        let ratio = trail.step("R", "I / B", [intensity, benchmark], Quantity(intensity.value / benchmark.value, .ratio))
        let gap = trail.step("gap", "(R − 1) × 100", [ratio], Quantity((ratio.value - 1) * 100, percent))
        let meets = intensity.value <= benchmark.value
        trail.note("meets", "I ≤ B on unrounded values", result: meets ? "true" : "false")
        let excess = Quantity(intensity.value - benchmark.value, benchmark.unit)
        let change: Quantity
        do {
            change = trail.step("ΔE", "(I − B) × P", [excess, production], try (excess * production).converted(to: total.unit))
        } catch {
            throw error.at("total.unit")
        }
        let ranking = try rank(intensity: intensity.value, peers: peers, trail: &trail)
        var result = BenchmarkResult(
            total: total, production: production, intensity: intensity, benchmark: benchmark, ratio: ratio.value,
            gapPercent: gap.value, meetsBenchmark: meets, reductionNeeded: meets ? Quantity(0, total.unit) : change,
            headroom: meets ? Quantity(-change.value, total.unit) : Quantity(0, total.unit), ranking: ranking,
            intensityPlaces: intensityPlaces, advice: .init(zh: "", en: ""), trail: trail)
        result.advice = BenchmarkAdvice.advise(result)
        return result
    }

    /// Peer position on the unrounded intensity. Percentile rank = peers strictly lower / peers × 100;
    /// quartile = ⌊4 × lower / peers⌋ + 1, capped at 4 (1 = best quarter). Nil without peers.
    public static func rank(intensity: Decimal, peers: [Decimal]) throws(CalculationError) -> PeerRanking? {
        var trail = FormulaTrail()
        return try rank(intensity: intensity, peers: peers, trail: &trail)
    }

    static func rank(intensity: Decimal, peers: [Decimal], trail: inout FormulaTrail)
        throws(CalculationError) -> PeerRanking?
    {
        guard !peers.isEmpty else { return nil }
        for (index, peer) in peers.enumerated() where peer < 0 {
            throw CalculationError(.negativeQuantity, "a peer intensity cannot be negative", field: "peers[\(index)]")
        }
        let lower = peers.filter { $0 < intensity }.count
        let percentile = Decimal(lower) / Decimal(peers.count) * 100
        let quartile = min(4, lower * 4 / peers.count + 1)
        trail.note("peers_lower", "count of peers with intensity < I (strictly)", result: "\(lower) of \(peers.count)")
        trail.step("percentile", "lower / peers × 100", [Quantity(Decimal(lower), peerUnit), Quantity(Decimal(peers.count), peerUnit)],
                   Quantity(percentile, percent))
        trail.note("quartile", "min(4, ⌊4 × lower / peers⌋ + 1), 1 = best", result: "\(quartile)")
        return PeerRanking(peerCount: peers.count, strictlyLower: lower, percentileRankPercent: percentile,
                           quartile: quartile)
    }

    static let percent = Unit(symbol: "%", dimension: .none, factor: Decimal(string: "0.01")!)
    static let peerUnit = Unit(symbol: "peers", dimension: .count, factor: 1)
}
