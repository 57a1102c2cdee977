import Foundation

/// Purchased or exported electricity: MWh × grid factor. The factor is given, named by
/// `factor_id`, or looked up by region, year and scope ("latest year not after" the requested one).
enum Electricity {
    static func calculate(_ context: inout SourceContext, kind: SourceResult.Kind) throws(CalculationError) -> SourceResult {
        var result = SourceResult(id: context.input.id, kind: kind)
        let energy = try context.convert(try context.activity("Q"), to: .megawattHour, "quantity")
        let factor = try gridFactor(&context)
        let perMWh = try context.gasMass(factor * Quantity(1, .megawattHour), as: .tonneCO2, "factor")
        let co2 = context.trail.step("E_CO2", "Q × EF_grid", [energy, factor],
                                     Quantity(energy.value * perMWh.value, .tonneCO2))
        try result.add(.co2, tonnes: co2.value, edition: context.edition, trail: &context.trail)
        result.trail = context.trail
        return result
    }

    static func gridFactor(_ context: inout SourceContext) throws(CalculationError) -> Quantity {
        if let given = try context.quantity(context.input.factor, "factor") {
            context.trail.use(.input("grid_factor", given))
            return given
        }
        if let named = try context.namedFactor(role: "grid_factor") { return named }
        let grid = context.input.grid ?? GridInput()
        let query = FactorQuery(parameter: "grid_factor", region: grid.region ?? "CN", scope: grid.scope ?? "average",
                                year: grid.year ?? context.year)
        let factor: EmissionFactor
        do { factor = try context.library.resolve(query) } catch { throw error.at("grid") }
        context.trail.use(factor.use(as: "grid_factor", defaulted: context.input.grid == nil))
        context.trail.note("EF_grid", "\(factor.factorID): \(factor.name), \(factor.regionLevel ?? "") \(factor.region ?? ""), scope \(factor.scope), data year \(factor.dataYear.map(String.init) ?? "-"), \(factor.publication)",
                           result: factor.quantity.description)
        return factor.quantity
    }
}
