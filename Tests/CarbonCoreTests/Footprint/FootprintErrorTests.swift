import CarbonCore
import Foundation
import Testing

/// Every refusal names its code and the input field it is about.
@Suite struct FootprintErrorTests {
    typealias M = FootprintTestModels

    func failure(_ object: [String: Any]) -> CalculationError? {
        do {
            _ = try M.calculate(object)
            return nil
        } catch let error as CalculationError {
            return error
        } catch {
            Issue.record("not a CalculationError: \(error)")
            return nil
        }
    }

    func failure(json text: String) -> CalculationError? {
        do {
            _ = try FootprintModel.decode(json: Data(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    static var steel: [String: Any] {
        M.process("steel", "raw_material", makes: "steel", "1", "kg",
                  emissions: [M.direct(nil, "2", "kgCO2e")])
    }

    @Test func jsonNumberIsRefusedWithItsField() throws {
        let text = #"{"functional_unit": {"product": "x", "amount": "1", "unit": "unit"},"#
            + #""processes": [{"id": "p", "stage": "production", "product": {"product": "x", "amount": 1, "unit": "unit"}}]}"#
        let error = try #require(failure(json: text))
        #expect(error.code == .invalidNumber)
        #expect(error.field == "processes[0].product.amount")
    }

    @Test func missingKeyAndUnknownStage() throws {
        let missing = try #require(failure(json: #"{"processes": []}"#))
        #expect(missing.code == .missingInput)
        #expect(missing.field == "functional_unit")
        var process = Self.steel
        process["stage"] = "cradle"
        let stage = try #require(failure(M.system([process], fu: "steel", "1", "kg")))
        #expect(stage.code == .invalidInput)
        #expect(stage.field == "processes[0].stage")
        #expect(stage.message.contains("raw_material"))
        #expect(failure(json: "{not json")?.code == .invalidInput)
    }

    @Test func singularLoopNamesItsProducts() throws {
        let x = M.process("px", "production", makes: "X", "1", "unit", inputs: [M.input("Y", "1", "unit")])
        let y = M.process("py", "production", makes: "Y", "1", "unit", inputs: [M.input("X", "1", "unit")])
        let error = try #require(failure(M.system([x, y], fu: "X")))
        #expect(error.code == .singularSystem)
        #expect(error.message.contains("'X'") && error.message.contains("'Y'"))
    }

    @Test func processRunningBackwardsIsRefused() throws {
        let x = M.process("px", "production", makes: "X", "1", "unit", inputs: [M.input("X", "2", "unit")])
        let error = try #require(failure(M.system([x], fu: "X")))
        #expect(error.code == .invalidInput)
        #expect(error.field == "processes[0]")
    }

    @Test func activityOfTheWrongDimension() throws {
        let truck = M.process("truck", "transport", makes: "shipment", "1", "unit",
                              emissions: [M.activity("truck", "250", "kg", factor: "0.078", "kgCO2e/t·km")])
        let error = try #require(failure(M.system([truck], fu: "shipment")))
        #expect(error.code == .dimensionMismatch)
        #expect(error.field == "processes[0].emissions[0].activity.unit")
        #expect(error.message.contains("kg") && error.message.contains("t·km"))
    }

    @Test func inputInTheWrongDimension() throws {
        let kettle = M.process("assembly", "production", makes: "kettle", "1", "unit", inputs: [M.input("steel", "3", "kWh")])
        let error = try #require(failure(M.system([Self.steel, kettle], fu: "kettle")))
        #expect(error.code == .dimensionMismatch)
        #expect(error.field == "processes[1].inputs[0].unit")
    }

    @Test func inputWithoutProducerAndUnknownFunctionalUnit() throws {
        let kettle = M.process("assembly", "production", makes: "kettle", "1", "unit", inputs: [M.input("copper", "1", "kg")])
        let noProducer = try #require(failure(M.system([kettle], fu: "kettle")))
        #expect(noProducer.code == .missingInput)
        #expect(noProducer.field == "processes[0].inputs[0].product")
        let noFU = try #require(failure(M.system([Self.steel], fu: "copper", "1", "kg")))
        #expect(noFU.field == "functional_unit.product")
        let wrongFU = try #require(failure(M.system([Self.steel], fu: "steel", "1", "kWh")))
        #expect(wrongFU.code == .dimensionMismatch)
        #expect(wrongFU.field == "functional_unit.unit")
    }

    @Test func gasProblems() throws {
        // HFC-134a is in the IPCC tables (AR6 1530); a gas outside them needs its GWP in the input.
        let unknown = M.process("p", "production", makes: "x", "1", "unit", emissions: [M.direct("HFC-4310mee", "1", "kg")])
        let unknownError = try #require(failure(M.system([unknown], fu: "x")))
        #expect(unknownError.code == .unknownGas)
        #expect(unknownError.field == "processes[0].emissions[0].gas")
        var extended = M.system([unknown], fu: "x")
        extended["gwp"] = ["edition": "AR6", "values": ["HFC-4310mee": "1600"]]
        #expect(try M.calculate(extended).total == 1600)
        let noGas = M.process("p", "production", makes: "x", "1", "unit", emissions: [M.direct(nil, "1", "kg")])
        let noGasError = try #require(failure(M.system([noGas], fu: "x")))
        #expect(noGasError.code == .missingInput)
        #expect(noGasError.field == "processes[0].emissions[0].gas")
        let notEmission = M.process("p", "production", makes: "x", "1", "unit", emissions: [M.direct(nil, "1", "kWh")])
        #expect(failure(M.system([notEmission], fu: "x"))?.code == .dimensionMismatch)
        let edition = try #require(failure(M.system([Self.steel], fu: "steel", "1", "kg", edition: "AR3")))
        #expect(edition.field == "gwp.edition")
        var co2 = M.system([Self.steel], fu: "steel", "1", "kg")
        co2["gwp"] = ["values": ["CO2": "2"]]
        #expect(failure(co2)?.field == "gwp.values.CO2")
    }

    @Test func allocationProblems() throws {
        var joint = try M.jointProcess(method: "economic")
        var processes = joint["processes"] as! [[String: Any]]
        processes[0]["allocation"] = nil
        joint["processes"] = processes
        #expect(failure(joint)?.field == "processes[0].allocation")
        var noPrice = try M.jointProcess(method: "economic")
        var priced = noPrice["processes"] as! [[String: Any]]
        var coProducts = priced[0]["co_products"] as! [[String: Any]]
        coProducts[0]["price"] = nil
        priced[0]["co_products"] = coProducts
        noPrice["processes"] = priced
        let error = try #require(failure(noPrice))
        #expect(error.code == .missingInput)
        #expect(error.field == "processes[0].co_products[0].price")
        let method = try #require(failure(try M.jointProcess(method: "volume")))
        #expect(method.code == .invalidInput)
        #expect(method.field == "processes[0].allocation.method")
        var energy = try M.jointProcess(method: "mass")
        var energyProcesses = energy["processes"] as! [[String: Any]]
        energyProcesses[0]["co_products"] = [["product": "steam", "amount": "5", "unit": "GJ"]]
        energy["processes"] = energyProcesses
        let mass = try #require(failure(energy))
        #expect(mass.code == .dimensionMismatch)
        #expect(mass.field == "processes[0].co_products[0].unit")
    }

    @Test func negativeDuplicateAndUnitErrors() throws {
        let negative = M.process("p", "production", makes: "x", "1", "unit", emissions: [M.direct(nil, "-1", "kgCO2e")])
        let negativeError = try #require(failure(M.system([negative], fu: "x")))
        #expect(negativeError.code == .negativeQuantity)
        #expect(negativeError.field == "processes[0].emissions[0].amount")
        let twice = try #require(failure(M.system([Self.steel, Self.steel], fu: "steel", "1", "kg")))
        #expect(twice.field == "processes[1].id")
        var other = Self.steel
        other["id"] = "steel2"
        let producers = try #require(failure(M.system([Self.steel, other], fu: "steel", "1", "kg")))
        #expect(producers.field == "processes[1].product.product")
        let badUnit = M.process("p", "production", makes: "x", "1", "furlong")
        #expect(failure(M.system([badUnit], fu: "x"))?.field == "processes[0].product.unit")
        let resultUnit = try #require(failure(M.system([Self.steel], fu: "steel", "1", "kg", resultUnit: "kgCO2")))
        #expect(resultUnit.field == "result_unit")
        let library = M.process("p", "production", makes: "x", "1", "unit",
                                emissions: [["activity": ["amount": "1", "unit": "kWh"], "factor": ["factor_id": "CN-GRID"]]])
        let noLibrary = try #require(failure(M.system([library], fu: "x")))
        #expect(noLibrary.code == .missingInput)
        #expect(noLibrary.field == "processes[0].emissions[0].factor.factor_id")
        #expect(failure(M.system([], fu: "x"))?.field == "processes")
    }
}
