import CarbonCore
import Foundation
import PropertyBased
import Testing

@Suite struct InventoryBehaviourTests {
    @Test func jsonNumbersAreRefusedWithTheirField() throws {
        let json = #"{"organisation": "A", "period": {"from": "2024-01-01", "to": "2024-12-31"}, "sources": [{"id": "b", "kind": "combustion", "oxidation": 0.99}]}"#
        let error = #expect(throws: CalculationError.self) { try InputDecoding.decode(InventoryInput.self, from: Data(json.utf8)) }
        #expect(error?.field == "sources[0].oxidation")
        #expect(error?.message.contains("string") == true)
    }

    @Test func errorsNameTheSourceAndTheField() throws {
        let error = #expect(throws: CalculationError.self) {
            try Inventories.run([#"{"id": "boiler", "kind": "combustion", "quantity": {"value": "1", "unit": "t"}, "ncv": {"value": "20", "unit": "GJ/tonnes"}, "carbon_content": {"value": "0.02", "unit": "tC/GJ"}, "oxidation": "1"}"#])
        }
        #expect(error?.field == "sources[0].ncv.unit")
        #expect(error?.message.hasPrefix("source 'boiler'") == true)
    }

    @Test(arguments: [
        (#"{"id": "x", "kind": "burning"}"#, "sources[0].kind"),
        (#"{"id": "x", "kind": "combustion", "quantity": {"value": "-1", "unit": "t"}}"#, "sources[0].quantity"),
        (#"{"id": "x", "kind": "fugitive", "gas": "CO3", "quantity": {"value": "1", "unit": "kg"}}"#, "sources[0].gas"),
        (#"{"id": "x", "kind": "purchased_electricity", "quantity": {"value": "1", "unit": "MWh"}, "grid": {"region": "华东", "year": 2019}}"#, "sources[0].grid"),
        (#"{"id": "x", "kind": "combustion", "quantity": {"value": "1", "unit": "t"}, "ncv": {"value": "20", "unit": "GJ/t"}, "carbon_content": {"value": "0.02", "unit": "tC/GJ"}, "oxidation": "120%"}"#, "sources[0].oxidation"),
        (#"{"id": "x", "kind": "process", "material": "granite", "quantity": {"value": "1", "unit": "t"}}"#, "sources[0].material"),
    ])
    func badSourcesAreRefused(source: String, field: String) throws {
        let error = #expect(throws: CalculationError.self) { try Inventories.run([source]) }
        #expect(error?.field == field)
    }

    @Test func duplicateIDsAreRefused() throws {
        let source = #"{"id": "a", "kind": "fugitive", "gas": "SF6", "quantity": {"value": "1", "unit": "kg"}}"#
        let error = #expect(throws: CalculationError.self) { try Inventories.run([source, source]) }
        #expect(error?.field == "sources[1].id")
    }

    @Test func changingTheGWPEditionRecalculates() throws {
        let source = #"{"id": "a", "kind": "fugitive", "gas": "HFC-134a", "quantity": {"value": "1000", "unit": "kg"}}"#
        let totals = try ["AR4", "AR5", "AR6"].map { Inventories.tco2e(try Inventories.run([source], gwp: $0).total) }
        #expect(totals == ["1430.000", "1300.000", "1530.000"])
    }

    @Test func decisionsUseFullPrecision() throws {
        // 0.8600004 displays as 0.860 but is above a 0.860 benchmark.
        let intensity = Decimal(string: "0.8600004")!
        #expect(DecimalText.format(intensity, places: 3) == "0.860")
        #expect(!(intensity <= Decimal(string: "0.860")!))
    }

    @Test func totalsAreAdditive() async {
        // Splitting one activity over several sources never changes the total (exact sums).
        await propertyCheck(input: Gen.int(in: 1...1_000_000).array(of: 1...12)) { parts in
            let quantities = parts.map { Decimal($0) / 100 }
            let sources = quantities.enumerated().map { index, q in
                #"{"id": "s\#(index)", "kind": "combustion", "fuel": "natural_gas", "quantity": {"value": "\#(q)", "unit": "10^4Nm3"}}"#
            }
            let whole = #"{"id": "all", "kind": "combustion", "fuel": "natural_gas", "quantity": {"value": "\#(quantities.reduce(0, +))", "unit": "10^4Nm3"}}"#
            let split = try! Inventories.run(sources).total
            let single = try! Inventories.run([whole]).total
            #expect(abs(split - single) <= Decimal(string: "1e-25")!)
        }
    }
}
