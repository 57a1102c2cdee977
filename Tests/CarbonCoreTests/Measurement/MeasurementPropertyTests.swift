import Foundation
import PropertyBased
import Testing
@testable import CarbonCore

/// Invariants over random hourly series. Each generated integer is one hour: a multiple of 7 is
/// an invalid hour, anything else a concentration of `n.25` ppm at the generated flow.
@Suite struct MeasurementPropertyTests {
    typealias F = CEMSFixture

    static func source(_ hours: [Int], flow: Int) -> String {
        F.source(from: F.hour(0), to: F.hour(hours.count - 1), hours: hours.indices.map { offset in
            hours[offset] % 7 == 0
                ? F.record(F.hour(offset), "invalid")
                : F.record(F.hour(offset), concentration: "\(hours[offset]).25", flow: "\(flow)")
        })
    }

    /// Sums of 38-digit decimals taken in a different order may differ in the last digits only.
    static func close(_ a: Decimal, _ b: Decimal) -> Bool {
        abs(a - b) <= Decimal(sign: .plus, exponent: -20, significand: 1) * max(1, abs(a))
    }

    @Test func totalIsTheSumOfTheHourlySeries() async {
        await propertyCheck(input: Gen.int(in: 1...200_000).array(of: 1...60), Gen.int(in: 1...500_000)) { hours, flow in
            guard hours.contains(where: { $0 % 7 != 0 }) else { return }
            let result = try F.calculate(Self.source(hours, flow: flow), hourly: true)
            let co2 = try #require(result.total(of: .co2))
            let series = try #require(result.hourly)
            #expect(series.count == hours.count)
            #expect(Self.close(co2.tonnes, series.reduce(Decimal(0)) { $0 + $1.tonnes }))
            #expect(Self.close(co2.tonnes, co2.measuredTonnes + co2.substitutedTonnes))
            #expect(co2.validHours + result.substitutions.count == hours.count)
            #expect(co2.captureRatePercent >= 0 && co2.captureRatePercent <= 100)
            // A substitute never exceeds the largest measured hour (both rules stay within the valid range).
            let largest = series.filter { $0.status == "measured" }.map(\.tonnes).max() ?? 0
            #expect(result.substitutions.allSatisfy { $0.tonnes <= largest })
        }
    }

    @Test func doublingTheFlowDoublesTheMass() async {
        await propertyCheck(input: Gen.int(in: 1...200_000).array(of: 1...30), Gen.int(in: 1...500_000)) { hours, flow in
            guard hours.contains(where: { $0 % 7 != 0 }) else { return }
            let single = try F.calculate(Self.source(hours, flow: flow)).totalCO2e
            let double = try F.calculate(Self.source(hours, flow: 2 * flow)).totalCO2e
            #expect(Self.close(double, 2 * single))
        }
    }
}
