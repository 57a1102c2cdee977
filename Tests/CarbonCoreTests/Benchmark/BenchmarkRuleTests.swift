import CarbonCore
import Foundation
import PropertyBased
import Testing

@Suite struct BenchmarkRuleTests {
    let benchmark = Quantity(Decimal(string: "0.860")!, Unit(symbol: "tCO2/t", dimension: Dimension.co2 / .mass, factor: 1))

    @Test func meetingTheBenchmarkReportsHeadroom() throws {
        let result = try BenchmarkComparison.compare(total: Quantity(812_000, .tonneCO2), production: Quantity(1_000_000, .tonne),
                                                     benchmark: benchmark)
        #expect(result.meetsBenchmark)
        #expect(result.reductionNeeded.value == 0)
        #expect(result.headroom.value == 48000)
        #expect(DecimalText.format(result.gapPercent, places: 3) == "-5.581")
        #expect(result.advice.en.contains("meets the benchmark"))
        let equal = try BenchmarkComparison.compare(total: Quantity(860, .tonneCO2), production: Quantity(1000, .tonne),
                                                    benchmark: benchmark)
        #expect(equal.meetsBenchmark)
        #expect(equal.advice.en.contains("equals the benchmark"))
    }

    @Test func unitsAreConverted() throws {
        // 900 765.562 tCO2 over 100 万t is the same intensity as BEN-01.
        let result = try BenchmarkComparison.compare(total: Quantity(value: "900765562", unit: "kgCO2"),
                                                     production: Quantity(value: "100", unit: "万t"), benchmark: benchmark)
        #expect(DecimalText.format(result.intensity.value, places: 6) == "0.900766")
        #expect(result.reductionNeeded.unit.symbol == "kgCO2")
        #expect(result.reductionNeeded.value == Decimal(string: "40765562"))
    }

    @Test func errors() throws {
        func failure(_ body: () throws -> BenchmarkResult) -> CalculationError? {
            do { _ = try body(); return nil } catch let error as CalculationError { return error } catch { return nil }
        }
        let zero = failure { try BenchmarkComparison.compare(total: Quantity(1, .tonneCO2), production: Quantity(0, .tonne),
                                                             benchmark: benchmark) }
        #expect(zero?.field == "production")
        let negative = failure { try BenchmarkComparison.compare(total: Quantity(-1, .tonneCO2), production: Quantity(1, .tonne),
                                                                 benchmark: benchmark) }
        #expect(negative?.code == .negativeQuantity)
        let co2e = failure { try BenchmarkComparison.compare(total: Quantity(1, .tonneCO2e), production: Quantity(1, .tonne),
                                                             benchmark: benchmark) }
        #expect(co2e?.code == .dimensionMismatch)
        #expect(co2e?.field == "benchmark.unit")
        let badPeer = failure { try BenchmarkComparison.compare(total: Quantity(1, .tonneCO2), production: Quantity(1, .tonne),
                                                                benchmark: benchmark, peers: [1, -1]) }
        #expect(badPeer?.field == "peers[1]")
        let badBenchmark = failure { try BenchmarkComparison.compare(total: Quantity(1, .tonneCO2), production: Quantity(1, .tonne),
                                                                     benchmark: Quantity(0, benchmark.unit)) }
        #expect(badBenchmark?.field == "benchmark")
        #expect(try BenchmarkComparison.rank(intensity: 1, peers: []) == nil)
    }

    /// Quartile follows the percentile: 1 below 25 %, 4 at 75 % and above; ties never count as lower.
    @Test func quartileAndTies() async throws {
        await propertyCheck(input: Gen.int(in: 0...40).array(of: 1...40), Gen.int(in: 0...40)) { peers, mine in
            let ranking = try #require(try BenchmarkComparison.rank(intensity: Decimal(mine), peers: peers.map { Decimal($0) }))
            let lower = peers.filter { $0 < mine }.count
            #expect(ranking.strictlyLower == lower)
            // percentile < 25 ⇔ 4 × lower < peers, and so on.
            let quarters = 4 * lower
            let n = peers.count
            let quartile = quarters < n ? 1 : quarters < 2 * n ? 2 : quarters < 3 * n ? 3 : 4
            #expect(ranking.quartile == quartile)
        }
    }
}
