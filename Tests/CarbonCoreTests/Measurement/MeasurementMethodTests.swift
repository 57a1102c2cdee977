import Foundation
import Testing
@testable import CarbonCore

/// Hand-computed CEMS cases. Each comment gives the arithmetic; the expected strings are that
/// arithmetic in exact decimals (60 digits), rounded half-up once at the places shown.
@Suite struct MeasurementMethodTests {
    typealias F = CEMSFixture

    /// 3 h of 100000 ppm CO2 dry at 10000 Nm3/h dry:
    ///   C = 100000 × 44.0095 / 22.414 = 196348.264477558668… mg/Nm3
    ///   m_h = C × 10000 Nm3 / 10^9 mg/t = 44.0095 / 22.414 = 1.963482644775586… t
    ///   E = 3 × m_h = 5.890447934326760… t → "5.890448"; tCO2e "5.890"; capture 3/3 = 100%.
    static let threeHours = F.source(from: F.hour(0), to: F.hour(2), hours: (0..<3).map {
        F.record(F.hour($0), concentration: "100000", flow: "10000")
    }, compareWith: "boiler-1-gas")

    @Test func threeDryHoursOfCO2() throws {
        let result = try F.calculate(Self.threeHours)
        let co2 = try #require(result.total(of: .co2))
        #expect(F.t6(co2.tonnes) == "5.890448")
        #expect(F.t3(result.totalCO2e) == "5.890")
        #expect(F.t3(co2.captureRatePercent) == "100.000")
        #expect(co2.validHours == 3 && co2.missingHours == 0 && co2.invalidHours == 0)
        #expect(result.substitutions.isEmpty)
        #expect(result.hoursInPeriod == 3)
        #expect(result.total(of: .ch4) == nil)
        // One hour, checked to more places than reported: 44.0095 / 22.414.
        #expect(F.t6(co2.tonnes / 3) == "1.963483")
        #expect(result.trail.steps.contains { $0.label == "m_h[CO2]" })
        #expect(result.trail.factors.contains { $0.parameter == "molar_mass_CO2" && $0.value == "44.0095" })
        #expect(result.compareWith == "boiler-1-gas")
    }

    /// Wet basis, both ways:
    ///   hour 0: 90000 ppm wet, 20000 Nm3/h wet, H2O 10%: C_dry = 90000 / 0.9 = 100000 ppm,
    ///           Q_dry = 20000 × 0.9 = 18000 → m = 1.8 × 44.0095 / 22.414 = 3.534268760596056… t
    ///   hour 1: 88000 ppm wet, 10000 Nm3/h dry, H2O "0.12": C_dry = 88000 / 0.88 = 100000 ppm
    ///           → m = 44.0095 / 22.414 = 1.963482644775586… t
    ///   E = 5.497751408371643… → "5.497751", tCO2e "5.498".
    @Test func wetBasisIsCorrectedToDry() throws {
        let json = F.source(from: F.hour(0), to: F.hour(1), hours: [
            F.record(F.hour(0), concentration: "90000", concentrationBasis: "wet", flow: "20000", flowBasis: "wet",
                     moisture: "10%"),
            F.record(F.hour(1), concentration: "88000", concentrationBasis: "wet", flow: "10000", moisture: "0.12"),
        ])
        let result = try F.calculate(json, hourly: true)
        #expect(F.t6(result.total(of: .co2)?.tonnes) == "5.497751")
        #expect(F.t3(result.totalCO2e) == "5.498")
        let hourly = try #require(result.hourly)
        #expect(F.t6(hourly[0].tonnes) == "3.534269")
        #expect(F.t3(hourly[0].flowDry) == "18000.000")
        #expect(F.t6(hourly[1].tonnes) == "1.963483")
    }

    /// mg/m3 input, two gases from one analyser (the CH4 records name their gas):
    ///   CO2: 180000 mg/m3 × 40000 Nm3/h / 10^9 = 7.2 t per hour, 2 h = 14.4 t
    ///   CH4: 500 mg/m3 × 40000 Nm3/h / 10^9 = 0.02 t per hour, 2 h = 0.04 t; × GWP 27.9 = 1.116 tCO2e
    ///   tCO2e = 14.4 + 1.116 = 15.516.
    @Test func milligramsPerCubicMetreAndMethane() throws {
        let json = F.source(from: F.hour(0), to: F.hour(1), hours: (0..<2).flatMap { hour in [
            F.record(F.hour(hour), concentration: "180000", concentrationUnit: "mg/m3", flow: "40000"),
            F.record(F.hour(hour), gas: "CH4", concentration: "500", concentrationUnit: "mg/Nm3", flow: "40000"),
        ] })
        let result = try F.calculate(json, gwpCH4: "27.9")
        #expect(F.t6(result.total(of: .co2)?.tonnes) == "14.400000")
        #expect(F.t6(result.total(of: .ch4)?.tonnes) == "0.040000")
        #expect(F.t3(result.total(of: .ch4)?.co2e) == "1.116")
        #expect(F.t3(result.totalCO2e) == "15.516")
        #expect(result.gases.map(\.gas) == [.co2, .ch4])
        #expect(result.trail.factors.contains { $0.parameter == "gwp_CH4" && $0.value == "27.9" })
    }

    /// CH4 in ppm: 1000 ppm × 16.0425 / 22.414 = 715.735700901222… mg/Nm3; × 50000 Nm3/h / 10^9
    /// = 0.035786785045061… t → "0.035787"; × GWP 28 = 1.002030… tCO2e → "1.002".
    @Test func methaneInPPM() throws {
        let json = F.source(gas: "CH4", from: F.hour(0), to: F.hour(0), hours: [
            F.record(F.hour(0), concentration: "1000", flow: "50000"),
        ])
        let result = try F.calculate(json, gwpCH4: "28")
        #expect(F.t6(result.total(of: .ch4)?.tonnes) == "0.035787")
        #expect(F.t3(result.totalCO2e) == "1.002")
        #expect(result.co2 == nil)
    }

    /// Flow in 10^4 Nm3/h is converted exactly: 1 × 10^4 Nm3/h = 10000 Nm3/h, as in `threeHours`.
    @Test func flowUnitsAtStandardConditionsAreConverted() throws {
        let json = F.source(from: F.hour(0), to: F.hour(0), hours: [
            F.record(F.hour(0), concentration: "100000", flow: "1", flowUnit: "10^4 Nm3/h"),
        ])
        #expect(F.t6(try F.calculate(json).total(of: .co2)?.tonnes) == "1.963483")
    }

    /// The result as JSON: snake_case keys, decimals as strings at the reported places.
    @Test func encodesWithStringsAndSnakeCase() throws {
        let result = try F.calculate(Self.threeHours)
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["source_id"] as? String == "stack-1")
        #expect(object["total_tco2e"] as? String == "5.890")
        #expect(object["gwp_ch4"] as? String == "27.9")
        #expect(object["period_from"] as? String == "2024-01-01T00:00:00Z")
        #expect(object["period_to"] as? String == "2024-01-01T02:00:00Z")
        let gases = try #require(object["gases"] as? [[String: Any]])
        #expect(gases.first?["total_t"] as? String == "5.890448")
        #expect(gases.first?["data_capture_percent"] as? String == "100.000")
        #expect((object["formula_trail"] as? [Any])?.isEmpty == false)
        #expect(object["hourly"] == nil)
    }

    /// The source object round-trips: encoding the decoded source and decoding it again gives it back.
    @Test func sourceRoundTrips() throws {
        let source = try F.decode(Self.threeHours)
        let again = try F.decode(String(decoding: try JSONEncoder().encode(source), as: UTF8.self))
        #expect(again == source)
        #expect(source.kind == "cems" && source.compareWith == "boiler-1-gas")
    }

    /// Inside an inventory's `sources` array, decoding errors name the full path.
    @Test func decodingErrorsNameTheInventoryPath() throws {
        struct Inventory: Decodable { let sources: [MeasurementSource] }
        let bad = F.source(from: F.hour(0), to: F.hour(0), hours: [F.record(F.hour(0), concentration: "1", flow: "1")])
            .replacingOccurrences(of: "\"value\": \"1\", \"unit\": \"Nm3/h\"", with: "\"value\": 1, \"unit\": \"Nm3/h\"")
        let json = "{\"sources\": [" + bad + "]}"
        let error = #expect(throws: CalculationError.self) {
            try JSONDecoder().decode(Inventory.self, from: Data(json.utf8))
        }
        #expect(error?.code == .invalidNumber)
        #expect(error?.field == "sources[0].hours[0].flow.value")
    }
}
