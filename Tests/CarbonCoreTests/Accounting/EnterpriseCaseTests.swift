import CarbonCore
import Foundation
import Testing

/// Every case of shared/data/accounting/enterprise_cases.json, to the last digit. Inputs are the
/// case's own parameters; expected values are read from the fixture, not retyped.
@Suite struct EnterpriseCaseTests {
    func expected(_ id: String) throws -> [String: Any] {
        try Fixture.testCase("enterprise_cases.json", id)["expected"] as! [String: Any]
    }

    let naturalGas = #""fuel": "natural_gas", "ncv": {"value": "389.31", "unit": "GJ/10^4Nm3"}, "carbon_content": {"value": "0.0153", "unit": "tC/GJ"}, "oxidation": "0.99""#

    @Test func ent01NaturalGasBoiler() throws {
        let result = try Inventories.run([#"{"id": "boiler", "kind": "combustion", "quantity": {"value": "250", "unit": "10^4 Nm3"}, \#(naturalGas)}"#])
        let want = try expected("ENT-01")
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "boiler").co2e) == want["E_combustion_tCO2"] as? String)
        // The trail shows AD and EF with their unrounded values.
        let steps = Inventories.source(result, "boiler").trail.steps
        #expect(steps.contains { $0.label == "AD" && $0.result == "97327.5 GJ" })
        #expect(steps.contains { $0.label == "EF" && $0.result == "0.055539 tCO2/GJ" })
    }

    @Test func ent02CarbonContentPerTerajouleIsConverted() throws {
        let result = try Inventories.run([#"{"id": "coal", "kind": "combustion", "fuel": "raw_coal", "quantity": {"value": "12000", "unit": "t"}, "ncv": {"value": "20.908", "unit": "GJ/t"}, "carbon_content": {"value": "26.37", "unit": "tC/TJ"}, "oxidation": "94%"}"#])
        let want = try expected("ENT-02")
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
        #expect(Inventories.tco2e(result.total) != want["wrong_if_tC_per_TJ_not_converted"] as? String)
    }

    @Test func ent02CarbonContentWithoutCarbonIsRefused() throws {
        // tCO2/TJ where a carbon content is expected: the unit check names both units.
        #expect(throws: CalculationError.self) {
            try Inventories.run([#"{"id": "coal", "kind": "combustion", "quantity": {"value": "12000", "unit": "t"}, "ncv": {"value": "20.908", "unit": "GJ/t"}, "carbon_content": {"value": "26.37", "unit": "t/TJ"}, "oxidation": "94%"}"#])
        }
    }

    @Test func ent03PowerPlantDefaultsAndPurchasedElectricity() throws {
        let sources = [
            #"{"id": "coal", "kind": "combustion", "fuel": "coal", "quantity": {"value": "800000", "unit": "t"}, "ncv": {"value": "21.500", "unit": "GJ/t"}, "factor_id": null, "carbon_content": {"value": "0.03085", "unit": "tC/GJ"}, "oxidation": "0.99"}"#,
            #"{"id": "diesel", "kind": "combustion", "fuel": "diesel", "quantity": {"value": "120", "unit": "t"}}"#,
            #"{"id": "grid", "kind": "purchased_electricity", "quantity": {"value": "3000", "unit": "MWh"}, "grid": {"scope": "ets_reporting", "year": 2022}}"#,
        ]
        let result = try Inventories.run(sources)
        let want = try expected("ENT-03")
        #expect(Inventories.tco2e(Inventories.source(result, "coal").co2e) == want["E_coal_tCO2"] as? String)
        // Diesel NCV, CC and OF all come from the library, and the trail says so.
        let diesel = Inventories.source(result, "diesel")
        #expect(Inventories.tco2e(diesel.co2e) == want["E_diesel_tCO2"] as? String)
        #expect(Set(diesel.trail.factors.filter(\.defaulted).compactMap(\.factorID)) == ["CN-DIESEL-NCV", "CN-DIESEL-CC", "CN-LIQUID-OF"])
        let grid = Inventories.source(result, "grid")
        #expect(Inventories.tco2e(grid.co2e) == want["E_purchased_electricity_tCO2"] as? String)
        #expect(grid.trail.factors.first?.factorID == "CN-ETS-GRID-2022RPT")
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
    }

    @Test func ent03PreviousCoalDefaultByFactorID() throws {
        let result = try Inventories.run([#"{"id": "coal", "kind": "combustion", "quantity": {"value": "800000", "unit": "t"}, "ncv": {"value": "21.500", "unit": "GJ/t"}, "carbon_content": {"value": "0.03356", "unit": "tC/GJ"}, "oxidation": "0.99"}"#])
        #expect(Inventories.tco2e(result.total) == (try expected("ENT-03"))["E_coal_with_2021_default_0.03356_tCO2"] as? String)
    }

    @Test func ent04MeasuredElementCarbonAgreesWithCarbonContentRoute() throws {
        let want = try expected("ENT-04")
        let measured = try Inventories.run([#"{"id": "coal", "kind": "combustion", "quantity": {"value": "800000", "unit": "t"}, "ncv": {"value": "21.500", "unit": "GJ/t"}, "carbon_fraction": "55.00%", "oxidation": "0.99"}"#])
        #expect(Inventories.tco2e(measured.total) == want["E_coal_tCO2"] as? String)
        let cc = Inventories.source(measured, "coal").trail.steps.first { $0.label == "CC" }!
        #expect(DecimalText.format(try DecimalText.parse(String(cc.result.split(separator: " ")[0])), places: 6) == want["CC_tC_per_GJ_6dp"] as? String)
        // The carbon-content route with CC = C_ar / NCV agrees to full precision once rounded.
        let ccValue = Decimal(string: "0.55")! / Decimal(string: "21.5")!
        let viaCC = try Inventories.run([#"{"id": "coal", "kind": "combustion", "quantity": {"value": "800000", "unit": "t"}, "ncv": {"value": "21.500", "unit": "GJ/t"}, "carbon_content": {"value": "\#(ccValue)", "unit": "tC/GJ"}, "oxidation": "0.99"}"#])
        #expect(Inventories.tco2e(viaCC.total) == want["E_coal_via_CC_route_tCO2"] as? String)
    }

    @Test func ent05CementPlant() throws {
        let sources = [
            #"{"id": "kiln_coal", "kind": "combustion", "quantity": {"value": "150000", "unit": "t"}, "ncv": {"value": "23.000", "unit": "GJ/t"}, "carbon_content": {"value": "0.02618", "unit": "tC/GJ"}, "oxidation": "0.93"}"#,
            #"{"id": "clinker", "kind": "process", "method": "clinker", "quantity": {"value": "1000000", "unit": "t"}, "kiln_dust": {"value": "20000", "unit": "t"}, "cao": "0.650", "cao_non_carbonate": "0.010", "mgo": "0.020", "mgo_non_carbonate": "0.002"}"#,
            #"{"id": "raw_meal", "kind": "process", "method": "organic_carbon", "quantity": {"value": "1550000", "unit": "t"}, "organic_carbon": "0.002"}"#,
            #"{"id": "grid", "kind": "purchased_electricity", "quantity": {"value": "90000", "unit": "MWh"}, "grid": {"region": "CN", "year": 2022}}"#,
        ]
        let result = try Inventories.run(sources, production: #"[{"id": "clinker", "quantity": {"value": "1000000", "unit": "t"}}]"#)
        let want = try expected("ENT-05")
        #expect(Inventories.tco2e(Inventories.source(result, "kiln_coal").co2e) == want["E_fuel_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "clinker").co2e) == want["E_process_clinker_and_dust_tCO2"] as? String)
        let ef = Inventories.source(result, "clinker").trail.steps.first { $0.label == "EF_clk" }!
        #expect(DecimalText.format(try DecimalText.parse(String(ef.result.split(separator: " ")[0])), places: 6) == want["EF_clinker_tCO2_per_t_6dp"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "raw_meal").co2e) == want["E_process_raw_meal_organic_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "grid").co2e) == want["E_purchased_electricity_tCO2"] as? String)
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
        #expect(DecimalText.format(result.intensities[0].value, places: 6) == want["intensity_tCO2_per_t_clinker_incl_indirect_6dp"] as? String)
    }

    @Test(arguments: [("AR2", "total_tCO2e_AR2", "fossil"), ("AR4", "total_tCO2e_AR4", "fossil"),
                      ("AR5", "total_tCO2e_AR5", "fossil"), ("AR6", "total_tCO2e_AR6_CH4_generic_27.9", "non_fossil"),
                      ("AR6", "total_tCO2e_AR6_CH4_fossil_29.8", "fossil")])
    func ent06DieselInLitresUnderEachGWPEdition(gwp: String, key: String, origin: String) throws {
        let result = try Inventories.run([#"{"id": "gensets", "kind": "combustion", "fuel": "diesel", "quantity": {"value": "500000", "unit": "L"}, "density": {"value": "0.84", "unit": "kg/L"}, "ncv": {"value": "43.0", "unit": "TJ/Gg"}, "co2_factor": {"value": "74100", "unit": "kg/TJ"}, "ch4_factor": {"value": "3", "unit": "kg/TJ"}, "n2o_factor": {"value": "0.6", "unit": "kg/TJ"}, "ch4_origin": "\#(origin)"}"#], gwp: gwp)
        let want = try expected("ENT-06")
        let gases = Inventories.source(result, "gensets").gases
        #expect(Inventories.tco2e(gases[.co2]!) == want["CO2_t"] as? String)
        #expect(DecimalText.format(gases[.ch4]!, places: 6) == want["CH4_t"] as? String)
        #expect(DecimalText.format(gases[.n2o]!, places: 6) == want["N2O_t"] as? String)
        #expect(Inventories.tco2e(result.total) == want[key] as? String)
    }

    @Test func ent07CubicMetresAreConvertedToTenThousands() throws {
        let result = try Inventories.run([#"{"id": "ng", "kind": "combustion", "quantity": {"value": "3600000", "unit": "Nm3"}, \#(naturalGas), "ch4_factor": {"value": "1", "unit": "kg/TJ"}, "n2o_factor": {"value": "0.1", "unit": "kg/TJ"}}"#])
        let want = try expected("ENT-07")
        let gases = Inventories.source(result, "ng").gases
        #expect(Inventories.tco2e(gases[.co2]!) == want["CO2_t"] as? String)
        #expect(DecimalText.format(gases[.ch4]!, places: 6) == want["CH4_t"] as? String)
        #expect(DecimalText.format(gases[.n2o]!, places: 6) == want["N2O_t"] as? String)
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e_AR5"] as? String)
        #expect(Inventories.tco2e(result.total) != want["wrong_if_Nm3_not_converted"] as? String)
    }

    @Test func ent07GasWrittenAsBareCubicMetresIsRefused() throws {
        // "m3" is a liquid volume: a gas meter's reading must say its reference state.
        let error = #expect(throws: CalculationError.self) {
            try Inventories.run([#"{"id": "ng", "kind": "combustion", "quantity": {"value": "3600000", "unit": "m3"}, \#(naturalGas)}"#])
        }
        #expect(error?.code == .dimensionMismatch)
        #expect(error?.field == "sources[0].quantity")
    }

    @Test func ent08ExportsAreDeducted() throws {
        let sources = [
            #"{"id": "coal", "kind": "combustion", "quantity": {"value": "50000", "unit": "t"}, "ncv": {"value": "20.000", "unit": "GJ/t"}, "carbon_content": {"value": "0.0260", "unit": "tC/GJ"}, "oxidation": "0.98"}"#,
            #"{"id": "in", "kind": "purchased_electricity", "quantity": {"value": "2000", "unit": "MWh"}, "factor_id": "CN-ELEC-NAT-2022"}"#,
            #"{"id": "out", "kind": "exported_electricity", "quantity": {"value": "10000", "unit": "MWh"}, "grid": {"year": 2022}}"#,
            #"{"id": "heat", "kind": "exported_heat", "quantity": {"value": "60000", "unit": "GJ"}}"#,
        ]
        let result = try Inventories.run(sources)
        let want = try expected("ENT-08")
        #expect(Inventories.tco2e(Inventories.source(result, "coal").co2e) == want["E_combustion_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "in").co2e) == want["E_purchased_electricity_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "out").co2e) == want["E_exported_electricity_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "heat").co2e) == want["E_exported_heat_tCO2"] as? String)
        #expect(Inventories.source(result, "out").contribution < 0)
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
    }

    @Test func ent10BiomassIsAMemoItem() throws {
        let sources = [
            #"{"id": "coal", "kind": "combustion", "fuel": "raw_coal", "quantity": {"value": "100000", "unit": "t"}}"#,
            #"{"id": "pellets", "kind": "combustion", "fuel": "biomass_pellets", "quantity": {"value": "20000", "unit": "t"}, "ncv": {"value": "16.0", "unit": "GJ/t"}, "carbon_content": {"value": "0.0270", "unit": "tC/GJ"}, "oxidation": "0.98"}"#,
        ]
        let result = try Inventories.run(sources)
        let want = try expected("ENT-10")
        // Raw coal NCV, CC (tC/TJ) and OF all defaulted from the library.
        #expect(Inventories.tco2e(Inventories.source(result, "coal").co2e) == want["E_fossil_tCO2"] as? String)
        #expect(Inventories.tco2e(result.biogenicCO2) == want["memo_biogenic_CO2_t"] as? String)
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
    }

    @Test func ent11Carbonates() throws {
        let result = try Inventories.run([
            #"{"id": "limestone", "kind": "process", "material": "limestone", "quantity": {"value": "30000", "unit": "t"}, "purity": "92%"}"#,
            #"{"id": "dolomite", "kind": "process", "material": "dolomite", "quantity": {"value": "5000", "unit": "t"}, "purity": "90%"}"#,
        ])
        let want = try expected("ENT-11")
        #expect(Inventories.tco2e(Inventories.source(result, "limestone").co2e) == want["E_limestone_tCO2"] as? String)
        #expect(Inventories.tco2e(Inventories.source(result, "dolomite").co2e) == want["E_dolomite_tCO2"] as? String)
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
    }

    @Test(arguments: ["AR2", "AR4", "AR5", "AR6"])
    func ent13SwitchgearSF6DependsOnEdition(gwp: String) throws {
        let result = try Inventories.run([#"{"id": "gis", "kind": "fugitive", "gas": "SF6", "nameplate": {"value": "500", "unit": "kg"}, "recovered": {"value": "450", "unit": "kg"}}"#], gwp: gwp)
        #expect(Inventories.tco2e(result.total) == (try expected("ENT-13"))["total_tCO2e_\(gwp)"] as? String)
    }

    @Test func ent14MonthlyReadingsAreSummedUnrounded() throws {
        let months = try Fixture.testCase("enterprise_cases.json", "ENT-14")["inputs"] as! [String: Any]
        let readings = (months["monthly_natural_gas_10^4Nm3"] as! [String]).map { #"{"value": "\#($0)", "unit": "10^4Nm3"}"# }
        let result = try Inventories.run([#"{"id": "ng", "kind": "combustion", "quantities": [\#(readings.joined(separator: ","))], \#(naturalGas)}"#])
        let want = try expected("ENT-14")
        let sum = Inventories.source(result, "ng").trail.steps.first { $0.label == "FC" }!
        #expect(sum.result == "\(want["annual_FC_10^4Nm3"] as! String) 10^4Nm3")
        #expect(Inventories.tco2e(result.total) == want["total_tCO2e"] as? String)
        #expect(DecimalText.format(result.total, places: 0) == want["annual_total_rounded_to_integer_tCO2"] as? String)
    }
}
