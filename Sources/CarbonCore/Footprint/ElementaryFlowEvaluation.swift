import Foundation

/// One emission line of a process, characterised: its gas and its CO2e per run, in the result unit.
struct CharacterisedFlow: Hashable, Sendable {
    var label: String
    var gas: String
    var gwp: Decimal
    var co2e: Decimal
}

/// Turns an `ElementaryFlow` into CO2e. Field paths in errors are relative to the flow; the
/// caller prefixes `processes[i].emissions[k]`.
struct ElementaryFlowEvaluator {
    let map: CharacterisationMap
    let resultUnit: Unit
    let factors: (any FactorResolving)?

    func evaluate(_ flow: FootprintModel.ElementaryFlow, label: String, trail: inout FormulaTrail)
        throws(CalculationError) -> CharacterisedFlow
    {
        let emitted = try emittedAmount(flow, label: label, trail: &trail)
        guard emitted.quantity.value >= 0 else {
            throw CalculationError(.negativeQuantity, "an emission cannot be negative (\(emitted.quantity))",
                                   field: emitted.field)
        }
        let gas = try gasName(flow.gas, quantity: emitted.quantity, field: emitted.field)
        let lookup: CharacterisationMap.Lookup
        do { lookup = try map.lookup(gas) } catch { throw error.at("gas") }
        let tonnes: Decimal
        switch emitted.quantity.dimension {
        case .co2: tonnes = try emitted.quantity.value(in: .tonneCO2)
        case .co2e: tonnes = try emitted.quantity.value(in: .tonneCO2e)
        default: tonnes = try emitted.quantity.value(in: .tonne)
        }
        let co2e = try Quantity(tonnes * lookup.gwp, .tonneCO2e).converted(to: resultUnit)
        if lookup.source == "definition" {
            if emitted.quantity.unit != resultUnit {
                trail.step("E[\(label)]", "\(lookup.gas) in \(resultUnit.symbol)", [emitted.quantity], co2e)
            }
        } else {
            let gwpQuantity = Quantity(lookup.gwp, CharacterisationMap.gwpUnit)
            trail.use(FactorUse(parameter: "gwp_\(lookup.gas)", value: lookup.gwp, unit: CharacterisationMap.gwpUnit.symbol,
                                source: lookup.source, verificationStatus: lookup.source == "input" ? "input" : "recalled",
                                defaulted: lookup.source != "input"))
            trail.step("E[\(label)]", "m_\(lookup.gas) × GWP_\(lookup.gas)", [emitted.quantity, gwpQuantity], co2e,
                       note: lookup.note)
        }
        return CharacterisedFlow(label: label, gas: lookup.gas, gwp: lookup.gwp, co2e: co2e.value)
    }

    /// The mass of gas (or CO2, or CO2e) released, and the field its unit came from.
    private func emittedAmount(_ flow: FootprintModel.ElementaryFlow, label: String, trail: inout FormulaTrail)
        throws(CalculationError) -> (quantity: Quantity, field: String)
    {
        guard let activity = flow.activity else {
            guard flow.factor == nil, flow.distance == nil else {
                throw CalculationError(.missingInput, "a factor or distance needs an activity to multiply", field: "activity")
            }
            guard let amountText = flow.amount else {
                throw CalculationError(.missingInput, "give amount + unit, or activity × factor", field: "amount")
            }
            guard let unitText = flow.unit else { throw CalculationError(.missingInput, "a unit is required", field: "unit") }
            let value: Decimal
            do { value = try DecimalText.parse(amountText) } catch { throw error.at("amount") }
            let unit: Unit
            do { unit = try Unit.parse(unitText) } catch { throw error.at("unit") }
            return (Quantity(value, unit), "amount")
        }
        guard flow.amount == nil, flow.unit == nil else {
            throw CalculationError(.invalidInput, "give either amount + unit or activity × factor, not both", field: "amount")
        }
        var driver = try Self.quantity(activity, field: "activity")
        if let distanceAmount = flow.distance {
            let distance = try Self.quantity(distanceAmount, field: "distance")
            guard distance.dimension == .distance else {
                throw CalculationError(.dimensionMismatch, "\(distance.unit.symbol) (\(distance.dimension)) is not a distance",
                                       field: "distance.unit")
            }
            driver = trail.step("A[\(label)]", "m × d", [driver, distance], driver * distance)
        }
        guard let reference = flow.factor else {
            throw CalculationError(.missingInput, "an activity needs a factor", field: "factor")
        }
        let factor: Quantity
        do { factor = try resolve(reference, label: label, trail: &trail) } catch { throw error.at("factor") }
        let (numerator, denominator) = try Self.split(factor.unit)
        let converted: Quantity
        do {
            converted = try driver.converted(to: denominator)
        } catch {
            throw CalculationError(
                .dimensionMismatch,
                "activity in \(driver.unit.symbol) (\(driver.dimension)) cannot be multiplied by \(factor.unit.symbol), "
                    + "a factor per \(denominator.symbol) (\(denominator.dimension))",
                field: "activity.unit")
        }
        if converted.unit.symbol != driver.unit.symbol {
            trail.step("A[\(label)]", "A in \(denominator.symbol)", [driver], converted)
        }
        let emitted = trail.step("E[\(label)]", "A × EF", [converted, factor],
                                 Quantity(converted.value * factor.value, numerator))
        return (emitted, "factor.unit")
    }

    private func resolve(_ reference: FootprintModel.FactorReference, label: String, trail: inout FormulaTrail)
        throws(CalculationError) -> Quantity
    {
        if let id = reference.factorID {
            guard reference.value == nil, reference.unit == nil else {
                throw CalculationError(.invalidInput, "give either factor_id or value + unit, not both", field: "factor_id")
            }
            guard let factors else {
                throw CalculationError(.missingInput, "factor '\(id)' named but no factor library is available",
                                       field: "factor_id")
            }
            let found: EmissionFactor
            do { found = try factors.resolve(FactorQuery(factorID: id)) } catch { throw error.at("factor_id") }
            trail.use(found.use(as: "emission_factor[\(label)]", defaulted: false))
            return found.quantity
        }
        guard let value = reference.value else {
            throw CalculationError(.missingInput, "a factor needs value + unit, or factor_id", field: "value")
        }
        guard let unitText = reference.unit else { throw CalculationError(.missingInput, "a unit is required", field: "unit") }
        let quantity = try Self.quantity(FootprintModel.Amount(amount: value, unit: unitText), field: "", valueKey: "value")
        trail.use(.input("emission_factor[\(label)]", quantity))
        return quantity
    }

    /// `kgCO2e/t·km` → (`kgCO2e`, `t·km`): what a factor yields, and what it is per.
    static func split(_ unit: Unit) throws(CalculationError) -> (Unit, Unit) {
        let halves = unit.symbol.split(separator: "/", maxSplits: 1)
        guard halves.count == 2 else {
            throw CalculationError(.invalidInput,
                                   "\(unit.symbol) is not a rate; a factor is per activity unit (kgCO2e/kWh, kgCO2e/t·km)",
                                   field: "factor.unit")
        }
        var denominatorText = halves[1].trimmingCharacters(in: .whitespaces)
        if denominatorText.hasPrefix("("), denominatorText.hasSuffix(")") {
            denominatorText = String(denominatorText.dropFirst().dropLast())
        }
        do {
            return (try Unit.parse(String(halves[0])), try Unit.parse(denominatorText))
        } catch {
            throw error.at("factor.unit")
        }
    }

    static func quantity(_ amount: FootprintModel.Amount, field: String, valueKey: String = "amount")
        throws(CalculationError) -> Quantity
    {
        func at(_ key: String) -> String { field.isEmpty ? key : "\(field).\(key)" }
        let value: Decimal
        do { value = try DecimalText.parse(amount.amount) } catch { throw error.at(at(valueKey)) }
        let unit: Unit
        do { unit = try Unit.parse(amount.unit) } catch { throw error.at(at("unit")) }
        guard value >= 0 else { throw CalculationError(.negativeQuantity, "cannot be negative", field: at(valueKey)) }
        return Quantity(value, unit)
    }

    /// The gas a quantity is of: CO2 and CO2e units say it themselves, a plain mass needs `gas`.
    private func gasName(_ given: String?, quantity: Quantity, field: String) throws(CalculationError) -> String {
        let unitField = field == "amount" ? "unit" : field
        switch quantity.dimension {
        case .co2, .co2e:
            let implied = quantity.dimension == .co2 ? "CO2" : "CO2e"
            if let given, given.uppercased() != implied.uppercased() {
                throw CalculationError(.invalidInput, "\(quantity.unit.symbol) is \(quantity.dimension) but gas says '\(given)'",
                                       field: "gas")
            }
            return implied
        case .mass:
            guard let given, !given.isEmpty else {
                throw CalculationError(.missingInput, "\(quantity.unit.symbol) is a plain mass: say which gas (CO2, CH4, N2O, SF6…)",
                                       field: "gas")
            }
            return given
        default:
            throw CalculationError(
                .dimensionMismatch,
                "\(quantity.unit.symbol) (\(quantity.dimension)) is not an emission; expected a mass of gas (kg), CO2 (kgCO2) or CO2e (kgCO2e)",
                field: unitField)
        }
    }
}

extension CharacterisationMap {
    /// GWP as a quantity: tonnes of CO2e per tonne of gas.
    static let gwpUnit = Unit(symbol: "tCO2e/t", dimension: Dimension.co2e / .mass, factor: 1)
}
