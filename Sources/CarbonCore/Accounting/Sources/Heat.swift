import Foundation

/// Purchased or exported heat: GJ × heat factor (default 0.11 tCO2/GJ), or steam tonnes ×
/// (enthalpy − 83.74 kJ/kg feedwater) giving GJ first.
enum Heat {
    static func calculate(_ context: inout SourceContext, kind: SourceResult.Kind) throws(CalculationError) -> SourceResult {
        var result = SourceResult(id: context.input.id, kind: kind)
        let quantity = try context.activity("Q")
        let heat: Quantity
        if let enthalpy = try context.quantity(context.input.steamEnthalpy, "steam_enthalpy") {
            context.trail.use(.input("steam_enthalpy", enthalpy))
            let steam = try context.convert(quantity, to: .tonne, "quantity")
            guard let feedwater = try context.parameter(
                context.input.feedwaterEnthalpy, field: "feedwater_enthalpy", role: "feedwater_enthalpy",
                defaults: [FactorQuery(parameter: "constant", subject: "feedwater_enthalpy")])
            else { throw CalculationError(.missingInput, "'feedwater_enthalpy' is required", field: "feedwater_enthalpy") }
            let perKg = try Unit.parse("kJ/kg")
            let net = try context.convert(enthalpy, to: perKg, "steam_enthalpy").value
                - (try context.convert(feedwater, to: perKg, "feedwater_enthalpy").value)
            guard net >= 0 else {
                throw CalculationError(.invalidInput, "steam enthalpy is below the feedwater enthalpy", field: "steam_enthalpy")
            }
            heat = context.trail.step("AD", "Ma × (En − 83.74) × 10^-3", [steam, enthalpy, feedwater],
                                      try context.convert(steam * Quantity(net, perKg), to: .gigajoule, "steam_enthalpy"))
        } else {
            heat = try context.convert(quantity, to: .gigajoule, "quantity")
        }
        var factor = try context.quantity(context.input.factor, "factor")
        if let given = factor { context.trail.use(.input("heat_factor", given)) } else {
            factor = try context.namedFactor(role: "heat_factor")
        }
        if factor == nil {
            factor = try context.parameter(nil, field: "factor", role: "heat_factor",
                                           defaults: [FactorQuery(parameter: "heat_factor", subject: "heat", region: "CN")])
        }
        guard let factor else { throw CalculationError(.missingInput, "'factor' is required", field: "factor") }
        let perGJ = try context.gasMass(factor * Quantity(1, .gigajoule), as: .tonneCO2, "factor")
        let co2 = context.trail.step("E_CO2", "AD × EF_heat", [heat, factor], Quantity(heat.value * perGJ.value, .tonneCO2))
        try result.add(.co2, tonnes: co2.value, edition: context.edition, trail: &context.trail)
        result.trail = context.trail
        return result
    }
}
