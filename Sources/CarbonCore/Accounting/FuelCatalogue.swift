/// What the calculation needs to know about a fuel key beyond the factor library: its physical
/// state (for the oxidation-rate fallbacks), its IPCC class (for CH4/N2O factors) and whether it is
/// biogenic (CO2 then goes to the memo item).
public struct Fuel: Sendable, Hashable {
    public enum State: String, Sendable { case solid, liquid, gaseous }
    public enum IPCCClass: String, Sendable { case coal, oil, naturalGas = "natural_gas", biomass }

    public var key: String
    public var state: State
    public var ipccClass: IPCCClass
    public var biogenic: Bool

    public static let catalogue: [String: Fuel] = {
        let list: [(String, State, IPCCClass)] = [
            ("raw_coal", .solid, .coal), ("coal", .solid, .coal), ("washed_coal", .solid, .coal),
            ("other_washed_coal", .solid, .coal), ("coke", .solid, .coal), ("anthracite", .solid, .coal),
            ("bituminous_coal", .solid, .coal), ("sub_bituminous_coal", .solid, .coal), ("lignite", .solid, .coal),
            ("petroleum_coke", .solid, .oil), ("crude_oil", .liquid, .oil), ("fuel_oil", .liquid, .oil),
            ("gasoline", .liquid, .oil), ("kerosene", .liquid, .oil), ("jet_kerosene", .liquid, .oil),
            ("diesel", .liquid, .oil), ("lpg", .liquid, .oil), ("coal_tar", .liquid, .oil),
            ("crude_benzol", .liquid, .oil), ("natural_gas", .gaseous, .naturalGas),
            ("refinery_gas", .gaseous, .oil), ("coke_oven_gas", .gaseous, .coal), ("other_coal_gas", .gaseous, .coal),
            ("biomass", .solid, .biomass), ("biomass_pellets", .solid, .biomass), ("wood", .solid, .biomass),
            ("biogas", .gaseous, .biomass),
        ]
        var table: [String: Fuel] = [:]
        for (key, state, ipccClass) in list {
            table[key] = Fuel(key: key, state: state, ipccClass: ipccClass, biogenic: ipccClass == .biomass)
        }
        return table
    }()

    public static func named(_ key: String) throws(CalculationError) -> Fuel {
        guard let fuel = catalogue[key] else {
            throw CalculationError(.invalidInput,
                                   "unknown fuel '\(key)'; known: \(catalogue.keys.sorted().joined(separator: ", "))")
        }
        return fuel
    }
}
