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
        try result.add(.co2, tonnes: co2.value, edition: context.edition)
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
        try result.add(.co2, tonnes: co2.value, edition: context.edition)
        result.trail = context.trail
        return result
    }
}

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
        try result.add(.co2, tonnes: mass.value, edition: context.edition)
        result.trail = context.trail
        return result
    }
}

/// Fugitive fluorinated gases: mass × GWP, the mass given or as nameplate − recovered.
enum Fugitive {
    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        var result = SourceResult(id: context.input.id, kind: .fugitive)
        guard let name = context.input.gas else {
            throw CalculationError(.missingInput, "'gas' is required for a fugitive source", field: "gas")
        }
        let gas: Greenhouse
        do { gas = try Greenhouse.parse(name) } catch { throw error.at("gas") }
        let mass: Quantity
        if let nameplate = try context.quantity(context.input.nameplate, "nameplate") {
            let recovered = try context.quantity(context.input.recovered, "recovered") ?? Quantity(0, nameplate.unit)
            let released = try context.convert(try nameplate.subtracting(recovered), to: .tonne, "recovered")
            try context.nonNegative(released, "recovered")
            mass = context.trail.step("m_\(gas.rawValue)", "REC_cap − REC_rec", [nameplate, recovered], released)
        } else {
            mass = try context.convert(try context.activity("m"), to: .tonne, "quantity")
        }
        try result.add(gas, tonnes: mass.value, edition: context.edition)
        result.trail = context.trail
        return result
    }
}
