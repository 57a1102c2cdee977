import CarbonCore
import Foundation

/// Builds footprint models as JSON objects, so every test also goes through the decoder the CLI uses.
enum FootprintTestModels {
    static func model(_ object: [String: Any]) throws -> FootprintModel {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try FootprintModel.decode(json: data)
    }

    static func calculate(_ object: [String: Any]) throws -> FootprintResult {
        try FootprintCalculator.calculate(try model(object))
    }

    static func process(_ id: String, _ stage: String, makes product: String, _ amount: String = "1", _ unit: String,
                        inputs: [[String: Any]] = [], emissions: [[String: Any]] = []) -> [String: Any] {
        ["id": id, "stage": stage, "product": ["product": product, "amount": amount, "unit": unit],
         "inputs": inputs, "emissions": emissions]
    }

    static func input(_ product: String, _ amount: String, _ unit: String) -> [String: Any] {
        ["product": product, "amount": amount, "unit": unit]
    }

    static func activity(_ label: String, _ amount: String, _ unit: String, factor: String, _ factorUnit: String,
                         distance: (String, String)? = nil) -> [String: Any] {
        var flow: [String: Any] = ["label": label, "activity": ["amount": amount, "unit": unit],
                                   "factor": ["value": factor, "unit": factorUnit]]
        if let distance { flow["distance"] = ["amount": distance.0, "unit": distance.1] }
        return flow
    }

    static func direct(_ gas: String?, _ amount: String, _ unit: String) -> [String: Any] {
        var flow: [String: Any] = ["amount": amount, "unit": unit]
        if let gas { flow["gas"] = gas }
        return flow
    }

    static func system(_ processes: [[String: Any]], fu product: String, _ amount: String = "1", _ unit: String = "unit",
                       edition: String? = nil, resultUnit: String? = nil) -> [String: Any] {
        var object: [String: Any] = ["functional_unit": ["product": product, "amount": amount, "unit": unit],
                                     "processes": processes]
        if let edition { object["gwp"] = ["edition": edition] }
        if let resultUnit { object["result_unit"] = resultUnit }
        return object
    }

    /// PCF-02's kettle, built from the fixture's inputs and parameters.
    static func kettle(fuAmount: String = "1") throws -> [String: Any] {
        let testCase = try Fixture.testCase("product_footprint_cases.json", "PCF-02")
        let inputs = testCase["inputs"] as! [String: Any]
        let parameters = testCase["parameters"] as! [[String: Any]]
        func parameter(_ name: String) -> String { parameters.first { $0["name"] as? String == name }!["value"] as! String }
        let grid = parameter("grid")
        let materials = (inputs["materials_kg_and_kgCO2e_per_kg"] as! [String: [String]]).sorted { $0.key < $1.key }
        let production = inputs["production"] as! [String: String]
        let transport = inputs["transport"] as! [String: String]
        let use = inputs["use"] as! [String: String]

        var processes = materials.map { name, pair in
            process("supply_\(name)", "raw_material", makes: name, "1", "kg",
                    emissions: [activity(name, "1", "kg", factor: pair[1], "kgCO2e/kg")])
        }
        // Shipped mass is "sum of materials": 1.7 kg, entered in kg against factors per t·km.
        var shipped = Decimal(0)
        for (_, pair) in materials { shipped += Decimal(string: pair[0])! }
        let shippedText = DecimalText.plain(shipped)
        processes.append(process(
            "assembly", "production", makes: "kettle", "1", "unit",
            inputs: materials.map { input($0.key, $0.value[0], "kg") },
            emissions: [activity("electricity", production["electricity_kWh"]!, "kWh", factor: grid, "kgCO2/kWh"),
                        activity("natural gas", production["natural_gas_Nm3"]!, "Nm3", factor: parameter("NG per Nm3"),
                                 "kgCO2/Nm3")]))
        processes.append(process(
            "distribution", "transport", makes: "delivered_kettle", "1", "unit", inputs: [input("kettle", "1", "unit")],
            emissions: [activity("truck", shippedText, "kg", factor: transport["truck_kgCO2e_per_tkm"]!, "kgCO2e/t·km",
                                 distance: (transport["truck_km"]!, "km")),
                        activity("rail", shippedText, "kg", factor: transport["rail_kgCO2e_per_tkm"]!, "kgCO2e/t·km",
                                 distance: (transport["rail_km"]!, "km"))]))
        // "3/day x 365 x 5" boils over the service life.
        processes.append(process(
            "boil", "use", makes: "boil", "1", "unit",
            emissions: [activity("electricity", use["kWh_per_boil"]!, "kWh", factor: grid, "kgCO2/kWh")]))
        processes.append(process(
            "use_phase", "use", makes: "kettle_service", "1", "unit",
            inputs: [input("delivered_kettle", "1", "unit"), input("boil", "\(3 * 365 * 5)", "unit"),
                     input("kettle_eol", "1", "unit")]))
        // "0.60 @ 0.050 (PP) & 0.30 @ 0.020 (board)"; recycled metals are cut off (no burden, no credit).
        processes.append(process(
            "end_of_life", "end_of_life", makes: "kettle_eol", "1", "unit",
            emissions: [activity("PP landfill", "0.60", "kg", factor: "0.050", "kgCO2e/kg"),
                        activity("board landfill", "0.30", "kg", factor: "0.020", "kgCO2e/kg")]))
        return system(processes, fu: "kettle_service", fuAmount)
    }

    /// PCF-03's joint process: 800 t A and 200 t B from one process emitting 1000 tCO2e.
    static func jointProcess(method: String, fu: String = "A") throws -> [String: Any] {
        let inputs = try Fixture.testCase("product_footprint_cases.json", "PCF-03")["inputs"] as! [String: String]
        let process: [String: Any] = [
            "id": "joint", "stage": "production",
            "product": ["product": "A", "amount": inputs["product_A_t"]!, "unit": "t",
                        "price": ["value": inputs["price_A_yuan_per_t"]!, "unit": "yuan/t"]],
            "co_products": [["product": "B", "amount": inputs["product_B_t"]!, "unit": "t",
                             "price": ["value": inputs["price_B_yuan_per_t"]!, "unit": "yuan/t"]]],
            "allocation": ["method": method, "justification": "test"],
            "emissions": [direct(nil, inputs["process_emissions_tCO2e"]!, "tCO2e")],
        ]
        return system([process], fu: fu, "1", "t", resultUnit: "tCO2e")
    }

    /// PCF-04's component: aluminium with recycled content, a shipment in kg × km, a small CH4 leak.
    static func component(edition: String) -> [String: Any] {
        // "10 kg, of which 4 kg recycled; virgin 16.5, recycled 0.6 kgCO2e/kg"
        let processes = [
            process("virgin_al", "raw_material", makes: "aluminium_virgin", "1", "kg",
                    emissions: [activity("virgin Al", "1", "kg", factor: "16.5", "kgCO2e/kg")]),
            process("recycled_al", "raw_material", makes: "aluminium_recycled", "1", "kg",
                    emissions: [activity("recycled Al", "1", "kg", factor: "0.6", "kgCO2e/kg")]),
            // "250 kg over 350 km by truck @ 0.078 kgCO2e/t.km"
            process("inbound", "transport", makes: "shipment", "1", "unit",
                    emissions: [activity("truck", "250", "kg", factor: "0.078", "kgCO2e/t·km", distance: ("350", "km"))]),
            process("assembly", "production", makes: "component", "1", "unit",
                    inputs: [input("aluminium_virgin", "6", "kg"), input("aluminium_recycled", "4", "kg"),
                             input("shipment", "1", "unit")],
                    emissions: [direct("CH4_fossil", "0.012", "kg")]),
        ]
        return system(processes, fu: "component", edition: edition)
    }
}
