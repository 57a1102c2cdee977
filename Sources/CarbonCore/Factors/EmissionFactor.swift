import Foundation

/// One published factor or parameter (an NCV, a carbon content, a grid factor…), with where it
/// comes from and how far it was checked. Factors are never deleted: a newer publication
/// supersedes an older one for the years it covers.
public struct EmissionFactor: Hashable, Sendable {
    /// Stable id that inputs may name directly (`CN-NG-NCV`, `CN-ELEC-REG-华东-2022`).
    public var factorID: String
    /// `electricity`, `heat`, `fuel_parameter`, `fuel_ef`, `process_ef`, `region_ef`, `constant`.
    public var category: String
    /// The role of the value: `ncv`, `carbon_content`, `oxidation`, `co2_factor`, `ch4_factor`,
    /// `n2o_factor`, `grid_factor`, `heat_factor`, `process_factor`, `tce_factor`, `constant`.
    public var parameter: String
    /// The fuel, material or activity it belongs to (`natural_gas`, `raw_coal`, `calcite`), if any.
    public var subject: String?
    public var name: String
    public var quantity: Quantity
    /// `CO2`, `CH4`, `N2O`, or nil for parameters that are not a gas's factor (NCV).
    public var gas: String?
    /// `CN`, `GLOBAL`, a grid region (`华东`) or a province (`河北`).
    public var region: String?
    /// `national`, `grid_region`, `province`, `global`.
    public var regionLevel: String?
    /// Which variant of a published set: `average`, `excluding_market_nonfossil`, `fossil`,
    /// `ets_reporting`, `ets_guideline`, `default`, `measured_missing_default`.
    public var scope: String
    /// The data year it applies from, when it is year-specific.
    public var dataYear: Int?
    /// The seed file's free-text year, kept when it said more than a year (`<=2021 rules`).
    public var yearNote: String?
    public var publication: String
    public var sourceRead: String
    /// `read`, `read_secondary`, `derived`, `recalled` (see shared/data/accounting/README.md).
    public var verificationStatus: String
    public var notes: String?
    /// The factor set it belongs to: `default` for the shipped library, or a user set's name.
    public var factorSet: String
    /// The default factor this one replaces, for user sets.
    public var overrides: String?

    public init(factorID: String, category: String, parameter: String, subject: String? = nil, name: String,
                quantity: Quantity, gas: String? = nil, region: String? = nil, regionLevel: String? = nil,
                scope: String = "default", dataYear: Int? = nil, yearNote: String? = nil, publication: String,
                sourceRead: String = "", verificationStatus: String, notes: String? = nil,
                factorSet: String = "default", overrides: String? = nil) {
        self.factorID = factorID
        self.category = category
        self.parameter = parameter
        self.subject = subject
        self.name = name
        self.quantity = quantity
        self.gas = gas
        self.region = region
        self.regionLevel = regionLevel
        self.scope = scope
        self.dataYear = dataYear
        self.yearNote = yearNote
        self.publication = publication
        self.sourceRead = sourceRead
        self.verificationStatus = verificationStatus
        self.notes = notes
        self.factorSet = factorSet
        self.overrides = overrides
    }

    /// How this factor appears in a result's trail.
    public func use(as parameter: String, defaulted: Bool) -> FactorUse {
        FactorUse(parameter: parameter, factorID: factorID, value: quantity.value, unit: quantity.unit.symbol,
                  source: publication, verificationStatus: verificationStatus, defaulted: defaulted,
                  factorSet: factorSet, overrides: overrides, dataYear: dataYear)
    }
}

/// What a calculation asks the library for. Every field left nil matches anything.
public struct FactorQuery: Hashable, Sendable, CustomStringConvertible {
    public var factorID: String?
    public var category: String?
    public var parameter: String?
    public var subject: String?
    public var gas: String?
    public var region: String?
    public var scope: String?
    /// "The latest data year not after this one" is the rule.
    public var year: Int?

    public init(factorID: String? = nil, category: String? = nil, parameter: String? = nil, subject: String? = nil,
                gas: String? = nil, region: String? = nil, scope: String? = nil, year: Int? = nil) {
        self.factorID = factorID
        self.category = category
        self.parameter = parameter
        self.subject = subject
        self.gas = gas
        self.region = region
        self.scope = scope
        self.year = year
    }

    public var description: String {
        let parts: [(String, String?)] = [
            ("factor_id", factorID), ("category", category), ("parameter", parameter), ("subject", subject),
            ("gas", gas), ("region", region), ("scope", scope), ("year", year.map(String.init)),
        ]
        return parts.compactMap { key, value in value.map { "\(key)=\($0)" } }.joined(separator: " ")
    }
}

/// Anything that can answer a `FactorQuery`: the factor library, or a test's fixed table.
public protocol FactorResolving: Sendable {
    /// The one factor that fits, or `noFactor` / `ambiguousFactor` (listing the candidates).
    func resolve(_ query: FactorQuery) throws(CalculationError) -> EmissionFactor
}
