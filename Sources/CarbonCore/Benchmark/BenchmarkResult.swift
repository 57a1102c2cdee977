import Foundation

/// Where an enterprise stands among its peers, on the unrounded intensity.
public struct PeerRanking: Hashable, Sendable, Encodable {
    public var peerCount: Int
    /// Peers whose intensity is strictly lower than the enterprise's.
    public var strictlyLower: Int
    public var percentileRankPercent: Decimal
    /// 1 = best (lowest-intensity) quarter, 4 = worst.
    public var quartile: Int

    enum CodingKeys: String, CodingKey {
        case quartile
        case peerCount = "peer_count", strictlyLower = "peers_strictly_lower"
        case percentileRankPercent = "percentile_rank_percent"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(peerCount, forKey: .peerCount)
        try container.encode(strictlyLower, forKey: .strictlyLower)
        try container.encode(DecimalText.format(percentileRankPercent, places: BenchmarkResult.percentPlaces),
                             forKey: .percentileRankPercent)
        try container.encode(quartile, forKey: .quartile)
    }
}

/// Intensity against a benchmark. Values are unrounded; the JSON form rounds once, half-up:
/// intensity and ratio to `intensityPlaces` (6 unless asked), percentages and tonnes to 3.
public struct BenchmarkResult: Hashable, Sendable {
    public struct Advice: Hashable, Sendable, Encodable {
        public var zh: String
        public var en: String
    }

    public var total: Quantity
    public var production: Quantity
    /// total / production, in the benchmark's unit.
    public var intensity: Quantity
    public var benchmark: Quantity
    public var ratio: Decimal
    /// (ratio − 1) × 100: positive above the benchmark, negative below.
    public var gapPercent: Decimal
    /// intensity ≤ benchmark on unrounded values.
    public var meetsBenchmark: Bool
    /// (intensity − benchmark) × production in the total's unit; zero when the benchmark is met.
    public var reductionNeeded: Quantity
    /// (benchmark − intensity) × production; zero when the benchmark is not met.
    public var headroom: Quantity
    public var ranking: PeerRanking?
    public var intensityPlaces: Int
    public var advice: Advice
    public var trail: FormulaTrail

    public static let intensityPlaces = 6
    public static let percentPlaces = 3
    public static let massPlaces = 3
}

extension BenchmarkResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case total, production, intensity, benchmark, unit, advice, trail, peers, steps, factors
        case ratio = "ratio_to_benchmark", gapPercent = "gap_percent", meetsBenchmark = "meets_benchmark"
        case reductionNeeded = "reduction_needed", headroom, emissionsUnit = "emissions_unit"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(DecimalText.plain(total.value), forKey: .total)
        try container.encode(total.unit.symbol, forKey: .emissionsUnit)
        try container.encode(production.description, forKey: .production)
        try container.encode(DecimalText.format(intensity.value, places: intensityPlaces), forKey: .intensity)
        try container.encode(DecimalText.plain(benchmark.value), forKey: .benchmark)
        try container.encode(benchmark.unit.symbol, forKey: .unit)
        try container.encode(DecimalText.format(ratio, places: intensityPlaces), forKey: .ratio)
        try container.encode(DecimalText.format(gapPercent, places: Self.percentPlaces), forKey: .gapPercent)
        try container.encode(meetsBenchmark, forKey: .meetsBenchmark)
        try container.encode(DecimalText.format(reductionNeeded.value, places: Self.massPlaces), forKey: .reductionNeeded)
        try container.encode(DecimalText.format(headroom.value, places: Self.massPlaces), forKey: .headroom)
        try container.encodeIfPresent(ranking, forKey: .peers)
        try container.encode(advice, forKey: .advice)
        var trailContainer = container.nestedContainer(keyedBy: CodingKeys.self, forKey: .trail)
        try trailContainer.encode(trail.steps, forKey: .steps)
        try trailContainer.encode(trail.factors, forKey: .factors)
    }
}
