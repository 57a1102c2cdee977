import CarbonCore
import Foundation
import Testing

/// The worked cases of product_footprint_cases.json, to the last digit shown.
@Suite struct FootprintCaseTests {
    typealias M = FootprintTestModels

    func expected(_ id: String) throws -> [String: Any] {
        try Fixture.testCase("product_footprint_cases.json", id)["expected"] as! [String: Any]
    }

    @Test func pcf02KettleStagesSharesAndHotspot() throws {
        let want = try expected("PCF-02")
        let result = try M.calculate(try M.kettle())
        let names: [(LifecycleStage, String)] = [
            (.rawMaterial, "raw_material"), (.production, "production"), (.transport, "transport"), (.use, "use"),
            (.endOfLife, "end_of_life"),
        ]
        for (stage, name) in names {
            let subtotal = result.subtotal(stage)
            #expect(DecimalText.format(subtotal.emissions, places: 3) == want["\(name)_kgCO2e"] as? String, "\(name)")
            #expect(subtotal.sharePercent.map { DecimalText.format($0, places: 3) } == want["share_\(name)_percent"] as? String,
                    "\(name) share")
        }
        #expect(DecimalText.format(result.total, places: 3) == want["total_kgCO2e_per_FU"] as? String)
        #expect(result.hotspotStage?.rawValue == want["hotspot_stage"] as? String)
        #expect(result.unit.symbol == "kgCO2e")
        // The unrounded figures of the fixture's trail.
        #expect(result.total == Decimal(string: "332.4557455236"))
        #expect(result.subtotal(.production).emissions == Decimal(string: "2.4746755236"))
        #expect(result.subtotal(.transport).emissions == Decimal(string: "0.17272"))
        #expect(result.subtotal(.use).emissions == Decimal(string: "323.16735"))
        #expect(result.hotspotProcess == "boil")
    }

    @Test func pcf02TrailShowsTheFreightConversion() throws {
        let result = try M.calculate(try M.kettle())
        let truck = result.trail.steps.filter { $0.label == "A[distribution: truck]" }
        #expect(truck.map(\.result) == ["2040 kg·km", "2.04 t·km"])
        #expect(result.trail.steps.contains { $0.label == "E_total" && $0.result == "332.4557455236 kgCO2e" })
        #expect(result.trail.factors.contains { $0.parameter == "emission_factor[assembly: electricity]" && $0.value == "0.5366" })
    }

    @Test(arguments: ["mass", "economic"])
    func pcf03Allocation(method: String) throws {
        let want = try expected("PCF-03")
        let perA = try M.calculate(try M.jointProcess(method: method))
        let perB = try M.calculate(try M.jointProcess(method: method, fu: "B"))
        let report = try #require(perA.allocations.first)
        #expect(report.method.rawValue == method)
        #expect(report.hierarchyStep.contains(method == "mass" ? "step 2" : "step 3"))
        let a = report.shares[0]
        let b = report.shares[1]
        #expect(DecimalText.format(a.allocatedEmissions, places: 3) == want["\(method)_A_tCO2e"] as? String ?? "800.000")
        #expect(DecimalText.format(a.perUnit, places: 6) == want["\(method)_A_per_t"] as? String)
        #expect(DecimalText.format(b.perUnit, places: 6) == want["\(method)_B_per_t"] as? String)
        // The footprint of one tonne of each product, through the solver, is the same per-unit figure.
        #expect(DecimalText.format(perA.total, places: 6) == want["\(method)_A_per_t"] as? String)
        #expect(DecimalText.format(perB.total, places: 6) == want["\(method)_B_per_t"] as? String)
        let sumEqualsTotal = a.allocatedEmissions + b.allocatedEmissions == report.processEmissions
            && report.processEmissions == 1000 && a.share + b.share == 1
        #expect(sumEqualsTotal == want["allocated_sum_equals_total"] as? Bool)
    }

    @Test func pcf03EconomicRemainderGoesToTheLastProduct() throws {
        let result = try M.calculate(try M.jointProcess(method: "economic"))
        let shares = try #require(result.allocations.first).shares
        #expect(DecimalText.format(shares[0].allocatedEmissions, places: 12) == "952.380952380952")
        #expect(DecimalText.format(shares[1].allocatedEmissions, places: 12) == "47.619047619048")
        #expect(DecimalText.format(shares[0].perUnit, places: 12) == "1.190476190476")
    }

    @Test func pcf04SupplierComponentUnderAR5AndAR6() throws {
        let want = try expected("PCF-04")
        let ar5 = try M.calculate(M.component(edition: "AR5"))
        let ar6 = try M.calculate(M.component(edition: "AR6"))
        for result in [ar5, ar6] {
            #expect(DecimalText.format(result.subtotal(.transport).emissions, places: 3) == want["transport_kgCO2e"] as? String)
            #expect(DecimalText.format(result.subtotal(.rawMaterial).emissions, places: 3) == want["aluminium_kgCO2e"] as? String)
        }
        #expect(DecimalText.format(ar5.emissions(ofGas: "CH4_fossil"), places: 3) == want["ch4_kgCO2e_AR5"] as? String)
        #expect(DecimalText.format(ar6.emissions(ofGas: "CH4_fossil"), places: 3) == want["ch4_kgCO2e_AR6_fossil"] as? String)
        #expect(DecimalText.format(ar5.total, places: 3) == want["total_AR5_kgCO2e"] as? String)
        #expect(DecimalText.format(ar6.total, places: 3) == want["total_AR6_fossil_kgCO2e"] as? String)
        // AR5 publishes one CH4 value; the fallback is said in the trail.
        #expect(ar5.trail.steps.contains { $0.note?.contains("no separate fossil CH4") == true })
        #expect(ar6.gases.first { $0.gas == "CH4_fossil" }?.gwp == Decimal(string: "29.8"))
    }

    @Test func pcf04KilogramKilometresAreNotTonneKilometres() throws {
        let want = try expected("PCF-04")
        let result = try M.calculate(M.component(edition: "AR5"))
        let wrong = Decimal(250) * 350 * Decimal(string: "0.078")!
        #expect(DecimalText.format(wrong, places: 3) == want["wrong_if_kg_km_used_as_t_km"] as? String)
        #expect(result.subtotal(.transport).emissions == Decimal(string: "6.825"))
        // The same freight written as one activity: the unit decides, 87500 kg·km is 87.5 t·km.
        for (unit, expected) in [("kg·km", "6.825"), ("kg.km", "6.825"), ("t·km", want["wrong_if_kg_km_used_as_t_km"] as! String)] {
            let process = M.process("truck", "transport", makes: "shipment", "1", "unit",
                                    emissions: [M.activity("truck", "87500", unit, factor: "0.078", "kgCO2e/t·km")])
            let freight = try M.calculate(M.system([process], fu: "shipment"))
            #expect(DecimalText.format(freight.total, places: 3) == expected, "\(unit)")
        }
    }

    @Test func exampleFileIsAccepted() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/footprint.json")
        let model = try FootprintModel.decode(json: try Data(contentsOf: url))
        let result = try FootprintCalculator.calculate(model)
        #expect(DecimalText.format(result.total, places: 3) == "332.456")
        #expect(result.hotspotStage == .use)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(json["total"] as? String == "332.456")
        #expect(json["hotspot_stage"] as? String == "use")
        let stages = json["stages"] as! [[String: Any]]
        #expect(stages.map { $0["share_percent"] as? String } == ["1.987", "0.744", "0.052", "97.206", "0.011"])
    }
}
