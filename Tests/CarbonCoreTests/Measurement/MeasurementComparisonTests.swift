import Foundation
import Testing
@testable import CarbonCore

@Suite struct MeasurementComparisonTests {
    typealias F = CEMSFixture

    /// Measured 5.890447934326760… tCO2 (the three-hour case) against 5.5 tCO2 calculated:
    ///   ΔE = 0.390447934326760… → "0.390"; ΔE% = 0.39044793… / 5.5 × 100 = 7.099053351395637… → "7.099".
    @Test func differenceInTonnesAndPercent() throws {
        let result = try F.calculate(MeasurementMethodTests.threeHours)
        let comparison = try MeasurementComparison(measured: result, calculated: Quantity(value: "5.5", unit: "tCO2"))
        #expect(F.t3(comparison.differenceTCO2) == "0.390")
        #expect(F.t3(comparison.differencePercent) == "7.099")
        #expect(F.t3(comparison.measuredTCO2) == "5.890")
        #expect(comparison.calculatedSourceID == "boiler-1-gas")
        #expect(comparison.trail.steps.map(\.label) == ["ΔE", "ΔE%"])

        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(comparison)) as? [String: Any])
        #expect(object["difference_tco2"] as? String == "0.390")
        #expect(object["difference_percent"] as? String == "7.099")
        #expect(object["calculated_tco2"] as? String == "5.500")
    }

    /// kgCO2 is converted: 6000 kgCO2 = 6 t; ΔE = 5.890447934… − 6 = −0.109552065673… → "-0.110";
    /// ΔE% = −1.825867761220… → "-1.826".
    @Test func calculatedInKilogramsAndNegativeDifference() throws {
        let result = try F.calculate(MeasurementMethodTests.threeHours)
        let comparison = try MeasurementComparison(measured: result, calculated: Quantity(value: "6000", unit: "kgCO2"),
                                                   calculatedSourceID: "other")
        #expect(F.t3(comparison.differenceTCO2) == "-0.110")
        #expect(F.t3(comparison.differencePercent) == "-1.826")
        #expect(comparison.calculatedSourceID == "other")
    }

    @Test func zeroCalculatedHasNoPercent() throws {
        let result = try F.calculate(MeasurementMethodTests.threeHours)
        let comparison = try MeasurementComparison(measured: result, calculated: Quantity(0, .tonneCO2))
        #expect(comparison.differencePercent == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(comparison)) as? [String: Any])
        #expect(object["difference_percent"] is NSNull)
    }

    /// A plain mass or a CO2e mass is not a CO2 mass.
    @Test func calculatedMustBeCO2() throws {
        let result = try F.calculate(MeasurementMethodTests.threeHours)
        for unit in ["t", "tCO2e"] {
            let error = #expect(throws: CalculationError.self) {
                try MeasurementComparison(measured: result, calculated: Quantity(value: "5.5", unit: unit))
            }
            #expect(error?.code == .dimensionMismatch)
            #expect(error?.field == "calculated")
        }
    }

    @Test func sourceWithoutCO2CannotBeCompared() throws {
        let json = F.source(gas: "CH4", from: F.hour(0), to: F.hour(0), hours: [F.tonnes(F.hour(0), "1")])
        let result = try F.calculate(json)
        let error = #expect(throws: CalculationError.self) {
            try MeasurementComparison(measured: result, calculated: Quantity(1, .tonneCO2))
        }
        #expect(error?.code == .missingInput)
    }
}

@Suite struct MeasurementHourTests {
    @Test func parsesAndFormatsHourStarts() throws {
        #expect(try UTCHour.parse("1970-01-01T00:00:00Z").index == 0)
        #expect(try UTCHour.parse("1970-01-02T01:00:00+00:00").index == 25)
        #expect(try UTCHour.parse("1969-12-31T23:00Z").index == -1)
        #expect(try UTCHour.parse("1969-12-31T23:00Z").description == "1969-12-31T23:00:00Z")
        #expect(try UTCHour.parse("2024-02-29T23:00:00Z").advanced(by: 1).description == "2024-03-01T00:00:00Z")
        #expect(try UTCHour.parse("2023-12-31T23:00:00Z").advanced(by: 1).description == "2024-01-01T00:00:00Z")
        // 2024 is a leap year: 8784 hours.
        let year = try UTCHour.parse("2025-01-01T00:00:00Z").index - UTCHour.parse("2024-01-01T00:00:00Z").index
        #expect(year == 8784)
    }

    @Test func refusesWhatIsNotAnHourStartInUTC() {
        for text in ["2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T05:30:00Z", "2024-01-01T05:00:00",
                     "2024-01-01T05:00:00+08:00", "2024-1-01T05:00:00Z", "2024-01-01 05:00:00Z", ""] {
            let error = #expect(throws: CalculationError.self) { try UTCHour.parse(text) }
            #expect(error?.code == .invalidInput)
        }
    }
}
