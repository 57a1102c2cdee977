import Foundation

/// What one source's calculation needs: its input, the factor library, the GWP edition and the
/// reporting year, plus the trail being written. Field names in errors are relative to the
/// source (`ncv.unit`); the calculator prefixes `sources[i]`.
struct SourceContext {
    let input: SourceInput
    let library: any FactorResolving
    let edition: GWPEdition
    let year: Int
    var trail = FormulaTrail()

    init(input: SourceInput, library: any FactorResolving, edition: GWPEdition, year: Int) {
        self.input = input
        self.library = library
        self.edition = edition
        self.year = year
    }

    func quantity(_ given: QuantityInput?, _ field: String) throws(CalculationError) -> Quantity? {
        guard let given else { return nil }
        do { return try Quantity(value: given.value, unit: given.unit) } catch { throw error.at(field) }
    }

    func required(_ given: QuantityInput?, _ field: String) throws(CalculationError) -> Quantity {
        guard let quantity = try quantity(given, field) else {
            throw CalculationError(.missingInput, "'\(field)' is required for kind '\(input.kind)'", field: field)
        }
        return quantity
    }

    func ratio(_ text: String?, _ field: String) throws(CalculationError) -> Decimal? {
        guard let text else { return nil }
        let value: Decimal
        do { value = try Quantity.parseRatio(text) } catch { throw error.at(field) }
        guard value >= 0 else { throw CalculationError(.negativeQuantity, "must not be negative", field: field) }
        return value
    }

    /// The activity quantity: `quantity`, or the exact sum of `quantities` (never of rounded parts).
    mutating func activity(_ label: String = "FC") throws(CalculationError) -> Quantity {
        if let list = input.quantities {
            guard input.quantity == nil else {
                throw CalculationError(.invalidInput, "give either 'quantity' or 'quantities', not both", field: "quantities")
            }
            guard var total = try quantity(list.first, "quantities[0]") else {
                throw CalculationError(.missingInput, "'quantities' is empty", field: "quantities")
            }
            for index in list.indices.dropFirst() {
                let part = try required(list[index], "quantities[\(index)]")
                do { total = try total.adding(part) } catch { throw error.at("quantities[\(index)]") }
            }
            try nonNegative(total, "quantities")
            return trail.step(label, "Σ quantities (\(list.count) readings, unrounded)", [], total)
        }
        let single = try required(input.quantity, "quantity")
        try nonNegative(single, "quantity")
        return single
    }

    func nonNegative(_ quantity: Quantity, _ field: String) throws(CalculationError) {
        guard quantity.value >= 0 else {
            throw CalculationError(.negativeQuantity, "\(quantity) must not be negative", field: field)
        }
    }

    /// A parameter given in the input, or else the first library factor found by `defaults`
    /// (tried in order), recorded in the trail with its source and whether it was defaulted.
    mutating func parameter(
        _ given: QuantityInput?, field: String, role: String, defaults: [FactorQuery]
    ) throws(CalculationError) -> Quantity? {
        if let quantity = try quantity(given, field) {
            trail.use(.input(role, quantity))
            return quantity
        }
        guard let factor = try firstFactor(defaults) else { return nil }
        trail.use(factor.use(as: role, defaulted: true))
        trail.note(role, "defaulted from the factor library: \(factor.factorID) (\(factor.publication); \(factor.verificationStatus))",
                   result: factor.quantity.description)
        return factor.quantity
    }

    /// A ratio parameter (oxidation, purity) given as text, or defaulted from the library.
    mutating func ratioParameter(
        _ given: String?, field: String, role: String, defaults: [FactorQuery]
    ) throws(CalculationError) -> Decimal? {
        if let value = try ratio(given, field) {
            trail.use(.input(role, Quantity(value, .ratio)))
            return value
        }
        guard let factor = try firstFactor(defaults) else { return nil }
        trail.use(factor.use(as: role, defaulted: true))
        trail.note(role, "defaulted from the factor library: \(factor.factorID) (\(factor.publication); \(factor.verificationStatus))",
                   result: factor.quantity.description)
        do { return try factor.quantity.ratio() } catch { throw error.at(field) }
    }

    /// The first query the library answers; `noFactor` moves on, ambiguity is an error.
    func firstFactor(_ queries: [FactorQuery]) throws(CalculationError) -> EmissionFactor? {
        for query in queries {
            do {
                return try library.resolve(query)
            } catch where error.code == .noFactor {
                continue
            }
        }
        return nil
    }

    /// A factor named by `factor_id`, recorded in the trail.
    mutating func namedFactor(role: String) throws(CalculationError) -> Quantity? {
        guard let id = input.factorID else { return nil }
        let factor: EmissionFactor
        do { factor = try library.resolve(FactorQuery(factorID: id)) } catch { throw error.at("factor_id") }
        trail.use(factor.use(as: role, defaulted: false))
        return factor.quantity
    }

    /// Converts `quantity` to `unit`, naming `field` when the dimension is wrong.
    func convert(_ quantity: Quantity, to unit: Unit, _ field: String) throws(CalculationError) -> Quantity {
        do { return try quantity.converted(to: unit) } catch { throw error.at(field) }
    }

    /// Reads a product's mass as a mass of `gas`: factors written `kg/TJ` for CH4 are CH4 mass.
    func gasMass(_ quantity: Quantity, as target: Unit, _ field: String) throws(CalculationError) -> Quantity {
        if quantity.dimension == .mass || quantity.dimension == target.dimension {
            let relabelled = Quantity(quantity.value, quantity.unit.renamed(quantity.unit.symbol, dimension: target.dimension))
            return try convert(relabelled, to: target, field)
        }
        return try convert(quantity, to: target, field)
    }
}
