import Foundation
import Testing
@testable import CarbonCore

/// The substitution rules of `GapSubstitution`, on series whose hourly masses are whole tonnes
/// (100000 mg/m3 × tonnes × 10000 Nm3/h / 10^9), so every expected figure is checked by eye.
@Suite struct MeasurementSubstitutionTests {
    typealias F = CEMSFixture

    /// 6 hours: 1, 2, [invalid], [absent], 4, 3 t. The 2-hour gap takes the mean of its
    /// neighbours (2 + 4) / 2 = 3 t per hour → 6 t. E = 1 + 2 + 4 + 3 + 6 = 16 t;
    /// capture 4 / 6 × 100 = 66.666…% → "66.667".
    @Test func shortGapTakesTheMeanOfItsNeighbours() throws {
        let json = F.source(from: F.hour(0), to: F.hour(5), hours: [
            F.tonnes(F.hour(0), "1"), F.tonnes(F.hour(1), "2"), F.record(F.hour(2), "invalid"),
            F.tonnes(F.hour(4), "4"), F.tonnes(F.hour(5), "3"),
        ])
        let result = try F.calculate(json, hourly: true)
        let co2 = try #require(result.total(of: .co2))
        #expect(F.t6(co2.tonnes) == "16.000000")
        #expect(F.t6(co2.measuredTonnes) == "10.000000")
        #expect(F.t6(co2.substitutedTonnes) == "6.000000")
        #expect(F.t3(co2.captureRatePercent) == "66.667")
        #expect(co2.validHours == 4 && co2.invalidHours == 1 && co2.missingHours == 1)
        #expect(result.substitutions.map(\.hour) == [F.hour(2), F.hour(3)])
        #expect(result.substitutions.map(\.reason) == [.invalid, .missing])
        #expect(result.substitutions.allSatisfy { $0.rule == .gapMean && $0.gapHours == 2 })
        #expect(result.substitutions.map { F.t6($0.tonnes) } == ["3.000000", "3.000000"])
        #expect(result.substitutions.first?.gapFrom == "2024-01-01T02:00:00Z")
        #expect(result.substitutions.first?.gapTo == "2024-01-01T03:00:00Z")
        #expect(result.hourly?.map(\.status) == ["measured", "measured", "substituted", "substituted", "measured", "measured"])
        #expect(result.trail.steps.contains { $0.label == "substitution[CO2]" && $0.result == "3 t/h × 2 h = 6 t" })
    }

    /// A gap at the start of the period has one neighbour: hour 0 missing, hour 1 = 5 t, hour 2 = 1 t.
    /// Hour 0 takes 5 t (gap_edge); E = 5 + 5 + 1 = 11 t.
    @Test func edgeGapTakesItsOnlyNeighbour() throws {
        let json = F.source(from: F.hour(0), to: F.hour(2), hours: [
            F.record(F.hour(0), "missing"), F.tonnes(F.hour(1), "5"), F.tonnes(F.hour(2), "1"),
        ])
        let result = try F.calculate(json)
        #expect(F.t6(result.total(of: .co2)?.tonnes) == "11.000000")
        #expect(result.substitutions.map(\.rule) == [.gapEdge])
        #expect(result.substitutions.map(\.reason) == [.missing])
    }

    /// 40 hours from 2024-02-28T20:00Z (across the leap day): hours 0–4 = 1, 2, 3, 4, 5 t; hours
    /// 5–34 absent (30 h > 24 h); hours 35–39 = 2 t each. The long gap takes the period maximum,
    /// 5 t, for 30 h = 150 t. E = 15 + 10 + 150 = 175 t; capture 10 / 40 = 25%.
    @Test func longGapTakesThePeriodMaximum() throws {
        let base = "2024-02-28T20:00:00Z"
        let hours = (0..<5).map { F.tonnes(F.hour($0, base: base), "\($0 + 1)") }
            + (35..<40).map { F.tonnes(F.hour($0, base: base), "2") }
        let json = F.source(from: base, to: F.hour(39, base: base), hours: hours)
        let result = try F.calculate(json)
        let co2 = try #require(result.total(of: .co2))
        #expect(F.t6(co2.tonnes) == "175.000000")
        #expect(F.t6(co2.substitutedTonnes) == "150.000000")
        #expect(F.t3(co2.captureRatePercent) == "25.000")
        #expect(co2.missingHours == 30)
        #expect(result.substitutions.count == 30)
        #expect(result.substitutions.allSatisfy { $0.rule == .periodMaximum && F.t6($0.tonnes) == "5.000000" })
        #expect(result.substitutions.first?.hour == "2024-02-29T01:00:00Z")
        #expect(result.substitutions.last?.hour == "2024-03-01T06:00:00Z")
        #expect(result.substitutions.first?.basis.contains("2024-02-29T00:00:00Z = 5 t") == true)
        #expect(result.periodTo == "2024-03-01T11:00:00Z")
    }

    /// Exactly 24 hours is still a short gap (rule 1): 1 t, 24 h invalid, 3 t → 24 × 2 = 48; E = 52 t.
    @Test func twentyFourHoursIsStillShort() throws {
        let json = F.source(from: F.hour(0), to: F.hour(25), hours: [F.tonnes(F.hour(0), "1"), F.tonnes(F.hour(25), "3")]
                                + (1...24).map { F.record(F.hour($0), "invalid") })
        let result = try F.calculate(json)
        #expect(F.t6(result.total(of: .co2)?.tonnes) == "52.000000")
        #expect(result.substitutions.allSatisfy { $0.rule == .gapMean && $0.reason == .invalid })
    }

    /// Records may come in any order; the series is placed by hour.
    @Test func recordOrderDoesNotMatter() throws {
        let json = F.source(from: F.hour(0), to: F.hour(2), hours: [
            F.tonnes(F.hour(2), "3"), F.tonnes(F.hour(0), "1"),
        ])
        let result = try F.calculate(json)
        #expect(F.t6(result.total(of: .co2)?.tonnes) == "6.000000")  // 1 + (1 + 3)/2 + 3
    }

    /// A gas reported in only some records still has a series over the whole period, so its other
    /// hours are missing and substituted: CH4 valid at hour 0 only (0.02 t), 2 h period → 0.04 t.
    @Test func eachGasHasItsOwnSeries() throws {
        let json = F.source(from: F.hour(0), to: F.hour(1), hours: [
            F.tonnes(F.hour(0), "1"), F.tonnes(F.hour(1), "1"), F.tonnes(F.hour(0), "0.02", gas: "CH4"),
        ])
        let result = try F.calculate(json, gwpCH4: "25")
        #expect(F.t6(result.total(of: .ch4)?.tonnes) == "0.040000")
        #expect(F.t3(result.total(of: .ch4)?.captureRatePercent) == "50.000")
        #expect(F.t3(result.totalCO2e) == "3.000")  // 2 + 0.04 × 25
        #expect(result.substitutions.map(\.gas) == [.ch4])
    }
}
