import Foundation

/// A product system to footprint (ISO 14067 / PAS 2050), as read from JSON: a network of unit
/// processes, each making one reference product from other products and emitting gases, and the
/// functional unit demanded from it. Every number is a string with its unit beside it, so JSON
/// never rounds a figure through a binary float and a unit is never implied.
public struct FootprintModel: Codable, Hashable, Sendable {
    /// A label for reports (`"Electric kettle, 1.7 L"`).
    public var name: String?
    public var functionalUnit: FunctionalUnit
    /// GWP edition and per-gas overrides; AR6 when absent (ISO 14067 asks for the latest IPCC values).
    public var gwp: GWPSetting?
    /// The CO2e unit results are stated in; `kgCO2e` when absent.
    public var resultUnit: String?
    public var processes: [UnitProcess]

    enum CodingKeys: String, CodingKey {
        case name, gwp, processes
        case functionalUnit = "functional_unit"
        case resultUnit = "result_unit"
    }
}

extension FootprintModel {
    /// The product and amount the footprint is stated for (`1 unit` of `kettle_service`).
    public struct FunctionalUnit: Codable, Hashable, Sendable {
        public var product: String
        public var amount: String
        public var unit: String
        /// Free text for the report (`"3 boils of 1 L a day for 5 years"`).
        public var description: String?
    }

    /// The GWP-100 edition (`AR2`, `AR4`, `AR5`, `AR6`) and values that extend or replace it per gas.
    public struct GWPSetting: Codable, Hashable, Sendable {
        public var edition: String?
        /// Gas → GWP as a decimal string (`{"HFC-134a": "1530"}`).
        public var values: [String: String]?
    }

    /// One unit process. Its emissions and inputs are per run, where one run makes `product`
    /// (and `co_products`, if any) in the amounts given.
    public struct UnitProcess: Codable, Hashable, Sendable {
        public var id: String
        public var name: String?
        public var stage: LifecycleStage
        public var product: Output
        public var coProducts: [Output]?
        public var allocation: Allocation?
        public var inputs: [Input]?
        public var emissions: [ElementaryFlow]?

        enum CodingKeys: String, CodingKey {
            case id, name, stage, product, allocation, inputs, emissions
            case coProducts = "co_products"
        }
    }

    /// A product a process makes, per run. `price` is needed only for economic allocation.
    public struct Output: Codable, Hashable, Sendable {
        public var product: String
        public var amount: String
        public var unit: String
        public var price: Rate?
    }

    /// An amount of another process's product consumed per run (an intermediate flow). Its unit
    /// may differ from the producer's as long as the dimension is the same (`kg` of a product
    /// made in `t`).
    public struct Input: Codable, Hashable, Sendable {
        public var product: String
        public var amount: String
        public var unit: String
    }

    /// A value per unit of something: a price (`5000 yuan/t`) or an emission factor.
    public struct Rate: Codable, Hashable, Sendable {
        public var value: String
        public var unit: String
    }

    /// An amount with its unit (`"250" kg`).
    public struct Amount: Codable, Hashable, Sendable {
        public var amount: String
        public var unit: String
    }

    /// How co-products share the process; required when `co_products` is not empty.
    public struct Allocation: Codable, Hashable, Sendable {
        public var method: AllocationMethod
        /// Why this method (reported with the result).
        public var justification: String?
    }

    /// A gas released per run: either measured directly (`amount` + `unit`, with `gas`), or an
    /// activity times a factor (`activity` [× `distance`] × `factor`).
    public struct ElementaryFlow: Codable, Hashable, Sendable {
        public var label: String?
        /// `CO2`, `CH4`, `CH4_fossil`, `N2O`, `SF6`, `CO2e`, or a gas the GWP setting adds.
        /// Implied by CO2 and CO2e units; required for a plain mass (`kg`).
        public var gas: String?
        public var amount: String?
        public var unit: String?
        public var activity: Amount?
        /// For freight: the activity (a mass) is multiplied by this distance first.
        public var distance: Amount?
        public var factor: FactorReference?
    }

    /// An emission factor, given in the input or named by its id in the factor library.
    public struct FactorReference: Codable, Hashable, Sendable {
        public var value: String?
        public var unit: String?
        public var factorID: String?

        enum CodingKeys: String, CodingKey {
            case value, unit
            case factorID = "factor_id"
        }
    }
}
