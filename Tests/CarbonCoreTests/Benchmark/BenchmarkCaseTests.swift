import CarbonCore
import Foundation
import Testing

/// The worked cases of benchmark_cases.json, every expected value.
@Suite struct BenchmarkCaseTests {
    func testCase(_ id: String) throws -> (inputs: [String: Any], expected: [String: Any]) {
        let found = try Fixture.testCase("benchmark_cases.json", id)
        return (found["inputs"] as! [String: Any], found["expected"] as! [String: Any])
    }

    func decimal(_ text: Any?) throws -> Decimal { try DecimalText.parse(try #require(text as? String)) }

    @Test func ben01IntensityAgainstBenchmark() throws {
        let (inputs, expected) = try testCase("BEN-01")
        let result = try BenchmarkComparison.compare(
            total: Quantity(value: inputs["total_tCO2"] as! String, unit: "tCO2"),
            production: Quantity(value: inputs["clinker_t"] as! String, unit: "t"),
            benchmark: Quantity(value: inputs["benchmark_tCO2_per_t"] as! String, unit: "tCO2/t"))
        #expect(DecimalText.format(result.intensity.value, places: 6) == expected["intensity_6dp"] as? String)
        #expect(DecimalText.format(result.ratio, places: 6) == expected["ratio_to_benchmark_6dp"] as? String)
        #expect(DecimalText.format(result.gapPercent, places: 3) == expected["gap_percent_3dp"] as? String)
        #expect(result.meetsBenchmark == expected["meets_benchmark"] as? Bool)
        // (0.900765562 − 0.860) × 1 000 000 t
        #expect(result.reductionNeeded.value == Decimal(string: "40765.562"))
        #expect(result.reductionNeeded.unit.symbol == "tCO2")
        #expect(result.advice.en.contains("must fall by 40765.562 tCO2"))
        #expect(result.advice.zh.contains("需减排 40765.562 tCO2"))
        #expect(result.advice.en.contains("4.740% above"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(json["intensity"] as? String == expected["intensity_6dp"] as? String)
        #expect(json["ratio_to_benchmark"] as? String == expected["ratio_to_benchmark_6dp"] as? String)
        #expect(json["gap_percent"] as? String == expected["gap_percent_3dp"] as? String)
        #expect(json["meets_benchmark"] as? Bool == false)
        #expect(json["reduction_needed"] as? String == "40765.562")
    }

    @Test func ben02DecisionOnFullPrecision() throws {
        let (inputs, expected) = try testCase("BEN-02")
        let places = inputs["display_places"] as! Int
        let result = try BenchmarkComparison.compare(
            total: Quantity(try decimal(inputs["intensity"]), .tonneCO2), production: Quantity(1, .tonne),
            benchmark: Quantity(value: inputs["benchmark"] as! String, unit: "tCO2/t"), intensityPlaces: places)
        #expect(DecimalText.format(result.intensity.value, places: places) == expected["display"] as? String)
        #expect(result.meetsBenchmark == expected["meets_benchmark_(intensity<=benchmark)"] as? Bool)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(json["intensity"] as? String == expected["display"] as? String)
        #expect(json["meets_benchmark"] as? Bool == false)
        // The advice does not print "0.000% above" next to "does not meet".
        #expect(result.advice.en.contains("<0.001% above"))
        #expect(result.advice.en.contains("unrounded intensity 0.8600004"))
        #expect(result.advice.zh.contains("未修约值 0.8600004"))
    }

    @Test func ben03PeerRanking() throws {
        let (inputs, expected) = try testCase("BEN-03")
        let peers = try (inputs["peers"] as! [String]).map(DecimalText.parse)
        let enterprise = try decimal(inputs["enterprise"])
        let ranking = try #require(try BenchmarkComparison.rank(intensity: enterprise, peers: peers))
        #expect(ranking.strictlyLower == expected["peers_strictly_lower"] as? Int)
        #expect(DecimalText.format(ranking.percentileRankPercent, places: 3) == expected["percentile_rank_percent"] as? String)
        #expect(ranking.quartile == expected["quartile (1=best)"] as? Int)
        // The same through compare(), on BEN-01's unrounded intensity (0.900765562).
        let (ben01, _) = try testCase("BEN-01")
        let result = try BenchmarkComparison.compare(
            total: Quantity(value: ben01["total_tCO2"] as! String, unit: "tCO2"),
            production: Quantity(value: ben01["clinker_t"] as! String, unit: "t"),
            benchmark: Quantity(value: ben01["benchmark_tCO2_per_t"] as! String, unit: "tCO2/t"), peers: peers)
        #expect(result.ranking == ranking)
        #expect(result.advice.en.contains("6 of 10 peers"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        let peerJSON = try #require(json["peers"] as? [String: Any])
        #expect(peerJSON["percentile_rank_percent"] as? String == expected["percentile_rank_percent"] as? String)
        #expect(peerJSON["quartile"] as? Int == expected["quartile (1=best)"] as? Int)
    }
}
