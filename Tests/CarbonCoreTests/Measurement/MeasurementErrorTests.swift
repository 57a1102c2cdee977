import Foundation
import Testing
@testable import CarbonCore

/// Every refusal is a `CalculationError` with a code and the path of the offending field.
@Suite struct MeasurementErrorTests {
    typealias F = CEMSFixture

    func failure(_ json: String, gwpCH4: String = "27.9") -> CalculationError? {
        #expect(throws: CalculationError.self) { try F.calculate(json, gwpCH4: gwpCH4) }
    }

    func oneHour(_ record: String) -> String { F.source(from: F.hour(0), to: F.hour(0), hours: [record]) }

    @Test func allHoursInvalidIsRefused() {
        let json = F.source(from: F.hour(0), to: F.hour(2), hours: [
            F.record(F.hour(0), "invalid"), F.record(F.hour(1), "missing"),
        ])
        let error = failure(json)
        #expect(error?.code == .missingInput)
        #expect(error?.field == "hours")
    }

    @Test func wetWithoutMoistureIsRefused() {
        let error = failure(oneHour(F.record(F.hour(0), concentration: "9", concentrationBasis: "wet", flow: "1")))
        #expect(error?.code == .missingInput)
        #expect(error?.field == "hours[0].moisture")
        let flowWet = failure(oneHour(F.record(F.hour(0), concentration: "9", flow: "1", flowBasis: "wet")))
        #expect(flowWet?.field == "hours[0].moisture")
    }

    @Test func moistureOutOfRangeIsRefused() {
        let error = failure(oneHour(F.record(F.hour(0), concentration: "9", concentrationBasis: "wet", flow: "1",
                                             moisture: "100%")))
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "hours[0].moisture")
    }

    /// `m3/h` is a geometric volume (at stack temperature and pressure), not Nm3/h.
    @Test func flowInCubicMetresIsRefused() {
        let error = failure(oneHour(F.record(F.hour(0), concentration: "9", flow: "1", flowUnit: "m3/h")))
        #expect(error?.code == .dimensionMismatch)
        #expect(error?.field == "hours[0].flow.unit")
        #expect(error?.message.contains("Nm3/h") == true)
        let volume = failure(oneHour(F.record(F.hour(0), concentration: "9", flow: "1", flowUnit: "Nm3")))
        #expect(volume?.code == .dimensionMismatch)
    }

    @Test func concentrationInPercentIsRefused() {
        let error = failure(oneHour(F.record(F.hour(0), concentration: "10", concentrationUnit: "%", flow: "1")))
        #expect(error?.code == .unknownUnit)
        #expect(error?.field == "hours[0].concentration.unit")
        #expect(error?.message.contains("ppm") == true)
    }

    @Test func validHourWithoutFlowIsRefused() {
        let error = failure(oneHour(F.record(F.hour(0), concentration: "9")))
        #expect(error?.code == .missingInput)
        #expect(error?.field == "hours[0].flow")
    }

    @Test func badNumbersAreRefused() {
        let text = failure(oneHour(F.record(F.hour(0), concentration: "12abc", flow: "1")))
        #expect(text?.code == .invalidNumber)
        #expect(text?.field == "hours[0].concentration.value")
        let negative = failure(oneHour(F.record(F.hour(0), concentration: "9", flow: "-1")))
        #expect(negative?.code == .negativeQuantity)
        #expect(negative?.field == "hours[0].flow.value")
    }

    @Test func jsonNumbersAreRefused() {
        let json = oneHour(F.record(F.hour(0), concentration: "9", flow: "1"))
            .replacingOccurrences(of: "\"value\": \"9\"", with: "\"value\": 9")
        let error = #expect(throws: CalculationError.self) { try F.decode(json) }
        #expect(error?.code == .invalidNumber)
        #expect(error?.field == "hours[0].concentration.value")
        #expect(error?.message.contains("\"9\"") == true)
    }

    @Test func hoursMustBeInThePeriodAndUnique() {
        let outside = failure(F.source(from: F.hour(0), to: F.hour(1), hours: [
            F.tonnes(F.hour(0), "1"), F.tonnes(F.hour(2), "1"),
        ]))
        #expect(outside?.code == .invalidInput)
        #expect(outside?.field == "hours[1].hour")
        let duplicate = failure(F.source(from: F.hour(0), to: F.hour(1), hours: [
            F.tonnes(F.hour(0), "1"), F.record(F.hour(0), "invalid"),
        ]))
        #expect(duplicate?.field == "hours[1].hour")
        #expect(duplicate?.message.contains("hours[0]") == true)
    }

    @Test func periodMustRunForward() {
        let error = failure(F.source(from: F.hour(5), to: F.hour(0), hours: []))
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "period.to")
        let tooLong = failure(F.source(from: "2000-01-01T00:00:00Z", to: "2020-01-01T00:00:00Z", hours: []))
        #expect(tooLong?.field == "period.to")
        let badHour = failure(F.source(from: "2024-01-01 00:00", to: F.hour(0), hours: []))
        #expect(badHour?.field == "period.from")
    }

    @Test func closedSetsAreChecked() {
        let gas = #expect(throws: CalculationError.self) {
            try F.decode(F.source(gas: "N2O", from: F.hour(0), to: F.hour(0), hours: []))
        }
        #expect(gas?.code == .unknownGas)
        #expect(gas?.field == "gas")
        let validity = #expect(throws: CalculationError.self) {
            try F.decode(F.source(from: F.hour(0), to: F.hour(0), hours: [F.record(F.hour(0), "ok")]))
        }
        #expect(validity?.field == "hours[0].validity")
        let kind = #expect(throws: CalculationError.self) {
            try F.decode(F.source(from: F.hour(0), to: F.hour(0), hours: []).replacingOccurrences(of: "\"cems\"", with: "\"combustion\""))
        }
        #expect(kind?.field == "kind")
        let missing = #expect(throws: CalculationError.self) {
            try F.decode("{\"id\": \"s\", \"kind\": \"cems\", \"gas\": \"CO2\"}")
        }
        #expect(missing?.code == .missingInput)
        #expect(missing?.field == "period")
        let notJSON = #expect(throws: CalculationError.self) { try F.decode("{\"id\": ") }
        #expect(notJSON?.code == .invalidInput)
    }

    @Test func gwpMustBePositive() {
        let error = failure(oneHour(F.tonnes(F.hour(0), "1")), gwpCH4: "0")
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "gwp_ch4")
    }
}
