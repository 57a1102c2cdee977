import Foundation

/// Recovered CO2 (deducted): gas volume × purity × 19.77 t/10^4 Nm3, or a mass × purity.
enum Recovery {
    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        var result = SourceResult(id: context.input.id, kind: .recoveredCO2)
        let quantity = try context.activity("Q")
        let purity = try context.ratio(context.input.purity, "purity") ?? 1
        var mass: Quantity
        if quantity.dimension == .gasVolume {
            guard let density = try context.parameter(
                nil, field: "density", role: "co2_density",
                defaults: [FactorQuery(parameter: "constant", subject: "co2_density")])
            else { throw CalculationError(.noFactor, "the library has no CO2 density", field: "density") }
            let volume = try context.convert(quantity, to: .tenThousandNormalCubicMetres, "quantity")
            mass = context.trail.step("m_CO2", "Q × PUR × ρ_CO2", [volume, Quantity(purity, .ratio), density],
                                      try context.convert(volume * density * purity, to: .tonne, "quantity"))
        } else {
            let tonnes = try context.gasMass(quantity, as: .tonneCO2, "quantity")
            mass = context.trail.step("m_CO2", "Q × PUR", [tonnes, Quantity(purity, .ratio)], tonnes * purity)
        }
        mass = try context.gasMass(mass, as: .tonneCO2, "quantity")
        try result.add(.co2, tonnes: mass.value, edition: context.edition, trail: &context.trail)
        result.trail = context.trail
        return result
    }
}
