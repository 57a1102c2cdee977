import Foundation

/// How a result was obtained, step by step, so a verifier can redo it by hand: each step names
/// the formula, the numbers put into it, and the unrounded result. Factors used are listed with
/// their id, source and verification status.
public struct FormulaTrail: Hashable, Sendable {
    public struct Step: Hashable, Sendable, Codable {
        /// Short name of the quantity computed (`AD`, `EF`, `E_CO2`).
        public var label: String
        /// The formula in symbols (`FC × NCV`).
        public var formula: String
        /// The formula with the numbers put in (`250 10^4Nm3 × 389.31 GJ/10^4Nm3`).
        public var substitution: String
        /// The unrounded result with its unit (`97327.5 GJ`).
        public var result: String
        public var note: String?

        public init(label: String, formula: String, substitution: String, result: String, note: String? = nil) {
            self.label = label
            self.formula = formula
            self.substitution = substitution
            self.result = result
            self.note = note
        }
    }

    public private(set) var steps: [Step] = []
    public private(set) var factors: [FactorUse] = []

    public init() {}

    /// Records a step and returns its result, so formulas read top-down:
    /// `let ad = trail.step("AD", "FC × NCV", [fc, ncv], fc * ncv)`.
    @discardableResult
    public mutating func step(
        _ label: String, _ formula: String, _ inputs: [Quantity], _ result: Quantity, note: String? = nil
    ) -> Quantity {
        steps.append(Step(label: label, formula: formula,
                          substitution: inputs.map(\.description).joined(separator: " · "),
                          result: result.description, note: note))
        return result
    }

    /// Records a free-form step (a rule applied, a value substituted, a default taken).
    public mutating func note(_ label: String, _ text: String, result: String = "") {
        steps.append(Step(label: label, formula: text, substitution: "", result: result))
    }

    public mutating func use(_ factor: FactorUse) {
        if !factors.contains(factor) { factors.append(factor) }
    }

    public mutating func append(contentsOf other: FormulaTrail) {
        steps.append(contentsOf: other.steps)
        for factor in other.factors { use(factor) }
    }
}

/// A factor or parameter as it entered a calculation: from the input file, or defaulted from the
/// library (then with the library's id, publication and verification status).
public struct FactorUse: Hashable, Sendable, Codable {
    /// What role it played: `ncv`, `carbon_content`, `oxidation`, `grid_factor`, `gwp_CH4`…
    public var parameter: String
    public var factorID: String?
    public var value: String
    public var unit: String
    /// `input` when given in the inventory, otherwise the publication it comes from.
    public var source: String
    /// `read`, `read_secondary`, `derived`, `recalled`, or `input`.
    public var verificationStatus: String
    /// True when the library supplied it because the input left it out.
    public var defaulted: Bool
    /// The factor set it came from (`default`, or a user set that overrides the default).
    public var factorSet: String?
    /// The default factor a user set replaced, when one did.
    public var overrides: String?
    public var dataYear: Int?

    public init(parameter: String, factorID: String? = nil, value: Decimal, unit: String, source: String,
                verificationStatus: String, defaulted: Bool, factorSet: String? = nil, overrides: String? = nil,
                dataYear: Int? = nil) {
        self.parameter = parameter
        self.factorID = factorID
        self.value = DecimalText.plain(value)
        self.unit = unit
        self.source = source
        self.verificationStatus = verificationStatus
        self.defaulted = defaulted
        self.factorSet = factorSet
        self.overrides = overrides
        self.dataYear = dataYear
    }

    /// A parameter given in the input itself.
    public static func input(_ parameter: String, _ quantity: Quantity) -> FactorUse {
        FactorUse(parameter: parameter, value: quantity.value, unit: quantity.unit.symbol, source: "input",
                  verificationStatus: "input", defaulted: false)
    }

    enum CodingKeys: String, CodingKey {
        case parameter, value, unit, source, defaulted, overrides
        case factorID = "factor_id"
        case verificationStatus = "verification_status"
        case factorSet = "factor_set"
        case dataYear = "data_year"
    }
}
