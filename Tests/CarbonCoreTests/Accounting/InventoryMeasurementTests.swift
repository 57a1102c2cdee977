import CarbonCore
import Foundation
import Testing

/// A `cems` source inside an inventory: counted on its own, or compared with the calculated
/// source of the same stack with exactly one of the two counted.
@Suite struct InventoryMeasurementTests {
    /// 3 hours of 100000 mg/m3 dry × 10000 Nm3/h dry: 1 t CO2 an hour, 3 t in all.
    let stack = #"{"id": "stack", "kind": "cems", "gas": "CO2", "period": {"from": "2024-01-01T00:00:00Z", "to": "2024-01-01T02:00:00Z"}, "hours": [{"hour": "2024-01-01T00:00:00Z", "validity": "valid", "concentration": {"value": "100000", "unit": "mg/m3", "basis": "dry"}, "flow": {"value": "10000", "unit": "Nm3/h", "basis": "dry"}}, {"hour": "2024-01-01T01:00:00Z", "validity": "valid", "concentration": {"value": "100000", "unit": "mg/m3", "basis": "dry"}, "flow": {"value": "10000", "unit": "Nm3/h", "basis": "dry"}}, {"hour": "2024-01-01T02:00:00Z", "validity": "valid", "concentration": {"value": "100000", "unit": "mg/m3", "basis": "dry"}, "flow": {"value": "10000", "unit": "Nm3/h", "basis": "dry"}}]COMPARE}"#
    /// 2.5 t CO2 by calculation: 1 t of carbon-free-of-doubt fuel with an explicit factor.
    let calculated = #"{"id": "boiler", "kind": "combustion", "quantity": {"value": "1", "unit": "t"}, "factor": {"value": "2.5", "unit": "tCO2/t"}}"#

    @Test func aMeasurementAloneIsCounted() throws {
        let result = try Inventories.run([stack.replacingOccurrences(of: "COMPARE", with: "")])
        #expect(Inventories.tco2e(result.total) == "3.000")
        #expect(Inventories.source(result, "stack").trail.steps.isEmpty == false)
    }

    @Test func comparedMeasurementChecksTheCalculationByDefault() throws {
        let result = try Inventories.run([calculated, stack.replacingOccurrences(of: "COMPARE", with: #", "compare_with": "boiler""#)])
        #expect(Inventories.tco2e(result.total) == "2.500")
        let measured = Inventories.source(result, "stack")
        #expect(!measured.counted && Inventories.source(result, "boiler").counted)
        #expect(measured.comparison.map { DecimalText.format($0.differenceTCO2, places: 3) } == "0.500")
        #expect(measured.comparison?.differencePercent.map { DecimalText.format($0, places: 3) } == "20.000")
    }

    @Test func measurementCanReplaceTheCalculation() throws {
        let result = try Inventories.run([calculated, stack.replacingOccurrences(of: "COMPARE", with: #", "compare_with": "boiler", "use": "total""#)])
        #expect(Inventories.tco2e(result.total) == "3.000")
        #expect(!Inventories.source(result, "boiler").counted)
    }

    @Test func compareWithAnUnknownSourceIsRefused() throws {
        let error = #expect(throws: CalculationError.self) {
            try Inventories.run([stack.replacingOccurrences(of: "COMPARE", with: #", "compare_with": "nothing""#)])
        }
        #expect(error?.field == "sources[0].compare_with")
    }

    @Test func measurementErrorsCarryTheSourcePath() throws {
        let broken = stack.replacingOccurrences(of: "COMPARE", with: "").replacingOccurrences(of: #""value": "10000""#, with: "\"value\": 10000")
        let error = #expect(throws: CalculationError.self) { try Inventories.run([broken]) }
        #expect(error?.field?.hasPrefix("sources[0].hours[0].flow") == true)
    }
}
