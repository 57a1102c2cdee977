import CarbonCore
import Foundation
import Testing

/// Bad input is refused with a `CalculationError` that names the offending field.
@Suite struct RegionalErrorTests {
    typealias T = RegionalTesting

    /// A one-node energy-statistics model; `change` edits it before it is run.
    func energyModel(_ change: (inout [String: Any], inout [String: Any]) -> Void = { _, _ in }) -> [String: Any] {
        var year: [String: Any] = [
            "energy_statistics": ["fuels": [["fuel": "raw_coal", "quantity": T.quantity("100", "t")]]]
        ]
        var model: [String: Any] = [
            "co2_per_tce": ["coal": T.quantity("2.66", "tCO2/tce")],
            "fuels": ["raw_coal": ["group": "coal", "tce_coefficient": T.quantity("0.7143", "kgce/kg")]],
        ]
        change(&model, &year)
        model["nodes"] = [["id": "R", "years": ["2022": year]]]
        return model
    }

    func enterpriseModel(scope1: Any, unit: String = "tCO2") -> [String: Any] {
        [
            "electricity": ["grid_factor": T.quantity("0.5", "tCO2/MWh"), "net_export_policy": "credit"],
            "nodes": [
                [
                    "id": "park",
                    "years": [
                        "2022": [
                            "enterprise_reports": [
                                [
                                    "name": "E1", "scope1_emissions": ["value": scope1, "unit": unit],
                                    "purchased_electricity": T.quantity("10", "MWh"),
                                ]
                            ]
                        ]
                    ],
                ]
            ],
        ]
    }

    @Test func theValidModelRuns() throws {
        let year = try T.year(try T.run(energyModel()), "R", 2022)
        #expect(T.tCO2(year.territorial) == "190.004")  // 100 t × 0.7143 kgce/kg × 2.66 = 190.0038
    }

    @Test func unknownFuelGroup() {
        let error = T.error {
            _ = try T.run(
                energyModel { model, _ in
                    model["fuels"] = ["peat": ["group": "peat", "tce_coefficient": T.quantity("0.5", "kgce/kg")]]
                })
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "fuels.peat.group")
        #expect(error?.message.contains("coal, oil, gas") == true)
        let inTable = T.error {
            _ = try T.run(energyModel { model, _ in model["co2_per_tce"] = ["biomass": T.quantity("0", "tCO2/tce")] })
        }
        #expect(inTable?.field == "co2_per_tce.biomass")
    }

    @Test func undefinedFuel() {
        let error = T.error { _ = try T.run(energyModel { model, _ in model["fuels"] = [:] }) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "nodes[0].years.2022.energy_statistics.fuels[0].fuel")
    }

    @Test func fuelQuantityOfTheWrongDimension() {
        let error = T.error {
            _ = try T.run(
                energyModel { _, year in
                    year["energy_statistics"] = ["fuels": [["fuel": "raw_coal", "quantity": T.quantity("100", "MWh")]]]
                })
        }
        #expect(error?.code == .dimensionMismatch)
        #expect(error?.field == "nodes[0].years.2022.energy_statistics.fuels[0].quantity")
        #expect(error?.message.contains("MWh") == true && error?.message.contains("kgce/kg") == true)
    }

    @Test func emissionsAndFactorsOfTheWrongDimension() {
        let scope1 = T.error { _ = try T.run(enterpriseModel(scope1: "5", unit: "t")) }
        #expect(scope1?.code == .dimensionMismatch)
        #expect(scope1?.field == "nodes[0].years.2022.enterprise_reports[0].scope1_emissions")
        let co2e = T.error {
            _ = try T.run(energyModel { model, _ in model["co2_per_tce"] = ["coal": T.quantity("2.66", "tCO2e/tce")] })
        }
        #expect(co2e?.code == .dimensionMismatch)
        #expect(co2e?.field == "co2_per_tce.coal")
    }

    @Test func jsonNumberInsteadOfString() {
        let value = T.error { _ = try T.run(enterpriseModel(scope1: 800000)) }
        #expect(value?.code == .invalidNumber)
        #expect(value?.field == "nodes[0].years.2022.enterprise_reports[0].scope1_emissions.value")
        let bare = T.error { _ = try T.run(energyModel { _, year in year["gdp"] = 25_000_000 }) }
        #expect(bare?.code == .invalidNumber)
        #expect(bare?.field == "nodes[0].years.2022.gdp")
        let text = T.error { _ = try T.run(enterpriseModel(scope1: "8e5x")) }
        #expect(text?.code == .invalidNumber)
        #expect(text?.field == "nodes[0].years.2022.enterprise_reports[0].scope1_emissions.value")
    }

    @Test func cycleInTheTree() {
        let model: [String: Any] = [
            "nodes": [
                ["id": "P"], ["id": "A", "parent": "B"], ["id": "B", "parent": "C"], ["id": "C", "parent": "A"],
            ]
        ]
        let error = T.error { _ = try T.run(model) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("A → B → C → A") == true)
        #expect(error?.field == "nodes[1].parent")
        let selfParent = T.error { _ = try T.run(["nodes": [["id": "A", "parent": "A"]]]) }
        #expect(selfParent?.field == "nodes[0].parent")
    }

    @Test func missingParent() {
        let error = T.error { _ = try T.run(["nodes": [["id": "P"], ["id": "X", "parent": "Q"]]]) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "nodes[1].parent")
        #expect(error?.message.contains("'Q'") == true)
    }

    @Test func duplicateIDAndNoNodes() {
        #expect(T.error { _ = try T.run(["nodes": [["id": "P"], ["id": "P"]]]) }?.field == "nodes[1].id")
        #expect(T.error { _ = try T.run(["nodes": [] as [Any]]) }?.code == .missingInput)
        #expect(T.error { _ = try T.run(["name": "x"]) }?.field == "nodes")
    }

    /// A parent with its own total and its children's for the same year would count twice; a year
    /// that only some children have would under-count.
    @Test func parentAndChildrenMustNotOverlapOrBePartial() {
        let total = ["reported_total": ["direct_emissions": T.quantity("10", "tCO2")]]
        let overlap = T.error {
            _ = try T.run([
                "nodes": [
                    ["id": "P", "years": ["2022": total]], ["id": "A", "parent": "P", "years": ["2022": total]],
                ]
            ])
        }
        #expect(overlap?.code == .invalidInput)
        #expect(overlap?.field == "nodes[0].years.2022")
        let partial = T.error {
            _ = try T.run([
                "nodes": [
                    ["id": "P"], ["id": "A", "parent": "P", "years": ["2022": total]], ["id": "B", "parent": "P"],
                ]
            ])
        }
        #expect(partial?.code == .missingInput)
        #expect(partial?.field == "nodes[2].years")
    }

    @Test func oneSourcePerNodeYear() {
        let error = T.error {
            _ = try T.run(
                energyModel { _, year in
                    year["reported_total"] = ["direct_emissions": T.quantity("10", "tCO2")]
                })
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "nodes[0].years.2022")
    }

    @Test func misspeltKeyIsRefused() {
        let error = T.error { _ = try T.run(energyModel { _, year in year["gdp_"] = T.quantity("1", "10^4 yuan") }) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "nodes[0].years.2022.gdp_")
    }

    @Test func electricityNeedsGridFactorAndPolicy() {
        var model = enterpriseModel(scope1: "5")
        model["electricity"] = nil
        let missing = T.error { _ = try T.run(model) }
        #expect(missing?.code == .missingInput)
        #expect(missing?.field == "electricity")
        model["electricity"] = ["grid_factor": T.quantity("0.5", "tCO2/MWh"), "net_export_policy": "ignore"]
        #expect(T.error { _ = try T.run(model) }?.field == "electricity.net_export_policy")
        model["electricity"] = ["grid_factor": ["factor_id": "CN-ELEC-NAT-2022"], "net_export_policy": "credit"]
        let noLibrary = T.error { _ = try T.run(model) }
        #expect(noLibrary?.code == .noFactor)
        #expect(noLibrary?.field == "electricity.grid_factor")
    }

    @Test func negativeAndZeroValues() {
        let negative = T.error { _ = try T.run(enterpriseModel(scope1: "-5")) }
        #expect(negative?.code == .negativeQuantity)
        let gdp = T.error { _ = try T.run(energyModel { _, year in year["gdp"] = T.quantity("0", "10^4 yuan") }) }
        #expect(gdp?.code == .invalidInput)
        #expect(gdp?.field == "nodes[0].years.2022.gdp")
    }

    @Test func badYearKey() {
        let error = T.error { _ = try T.run(["nodes": [["id": "P", "years": ["22": [:] as [String: Any]]]]]) }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "nodes[0].years.22")
    }
}
