import Foundation

/// Fuel combustion (GB/T 32150 §7.4 / IPCC Vol.2): AD = FC × NCV, then one of
/// - EF = CC × OF × 44/12 (carbon content per heat),
/// - E = FC × C_ar × OF × 44/12 (measured element carbon per mass; CC = C_ar / NCV shown),
/// - E = AD × EF_CO2 (a direct CO2 factor per heat, e.g. IPCC kg/TJ, or per HHV heat with `hhv`),
/// - E = FC × factor (explicit per activity unit),
/// plus CH4 and N2O as AD × factor when their factors are given. Omitted NCV, CC and OF come
/// from the library for `fuel` (Chinese defaults first, IPCC second) and the trail says so.
enum Combustion {
    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        let input = context.input
        var result = SourceResult(id: input.id, kind: .combustion)
        var fuel: Fuel? = nil
        if let key = input.fuel {
            do { fuel = try Fuel.named(key) } catch { throw error.at("fuel") }
        }
        let biogenic = input.biogenic ?? fuel?.biogenic ?? false
        let fc = try context.activity()

        // Explicit per-activity factor: nothing else is needed.
        var explicit = try context.quantity(input.factor, "factor")
        if let explicit { context.trail.use(.input("factor", explicit)) } else { explicit = try context.namedFactor(role: "factor") }
        if let factor = explicit {
            let emitted = context.trail.step("E", "FC × factor", [fc, factor], fc * factor)
            try addCO2(emitted, biogenic: biogenic, field: "factor", into: &result, context: &context)
            result.trail = context.trail
            return result
        }

        let subject = fuel?.key
        func defaults(_ parameter: String, gas: String? = nil) -> [FactorQuery] {
            guard let subject else { return [] }
            return [FactorQuery(parameter: parameter, subject: subject, region: "CN", scope: "default"),
                    FactorQuery(parameter: parameter, subject: subject, region: "GLOBAL", scope: "ipcc_2006")]
        }
        let usesHHV = input.hhv != nil
        if usesHHV, input.ncv != nil {
            throw CalculationError(.invalidInput, "give either 'ncv' or 'hhv', not both", field: "hhv")
        }
        let heatField = usesHHV ? "hhv" : "ncv"
        let heatValue = usesHHV
            ? try context.required(input.hhv, "hhv")
            : try context.parameter(input.ncv, field: "ncv", role: "ncv", defaults: defaults("ncv"))

        // Measured element carbon per mass: E = FC × C_ar × OF × 44/12 (NCV optional, for CC only).
        if let carbonFraction = try context.ratio(input.carbonFraction, "carbon_fraction") {
            let of = try oxidation(&context, fuel: fuel)
            let mass = try massOfFuel(fc, context: &context)
            if let heatValue {
                let perMass = try context.convert(heatValue, to: try Unit.parse("GJ/t"), heatField)
                context.trail.step("CC", "C_ar / NCV", [Quantity(carbonFraction, .ratio), perMass],
                                   Quantity(carbonFraction / perMass.value, try Unit.parse("tC/GJ")))
            }
            let carbon = context.trail.step("C", "FC × C_ar × OF", [mass, Quantity(carbonFraction, .ratio), Quantity(of, .ratio)],
                                            Quantity(mass.value * carbonFraction * of, .tonneCarbon))
            let co2 = context.trail.step("E_CO2", "C × 44/12", [carbon], Quantity(carbon.value.carbonToCO2, .tonneCO2))
            try addCO2(co2, biogenic: biogenic, field: "carbon_fraction", into: &result, context: &context)
            try nonCO2(&context, energy: nil, fuel: fuel, into: &result)
            result.trail = context.trail
            return result
        }

        guard let heatValue else {
            throw CalculationError(.missingInput, "'ncv' is required (no library default for fuel '\(subject ?? "-")')",
                                   field: "ncv")
        }
        let energy = try heat(fc, heatValue: heatValue, field: heatField, context: &context)

        if let co2Factor = try context.quantity(input.co2Factor, "co2_factor") {
            context.trail.use(.input("co2_factor", co2Factor))
            let perHeat = try context.gasMass(co2Factor * Quantity(1, .gigajoule), as: .tonneCO2, "co2_factor")
            let ofText = input.oxidation
            let of = try context.ratio(ofText, "oxidation") ?? 1
            let co2 = context.trail.step("E_CO2", "AD × EF_CO2" + (ofText == nil ? "" : " × OF"),
                                         [energy, co2Factor] + (ofText == nil ? [] : [Quantity(of, .ratio)]),
                                         Quantity(energy.value * perHeat.value * of, .tonneCO2),
                                         note: usesHHV ? "factor on a higher-heating-value basis" : nil)
            try addCO2(co2, biogenic: biogenic, field: "co2_factor", into: &result, context: &context)
        } else {
            let ccQueries = defaults("carbon_content")
            guard let cc = try context.parameter(input.carbonContent, field: "carbon_content", role: "carbon_content",
                                                 defaults: ccQueries)
            else {
                let ipcc = try context.parameter(nil, field: "co2_factor", role: "co2_factor",
                                                 defaults: defaults("co2_factor"))
                guard let ipcc else {
                    throw CalculationError(.missingInput,
                                           "give 'carbon_content', 'carbon_fraction', 'co2_factor' or 'factor' (no library default for fuel '\(subject ?? "-")')",
                                           field: "carbon_content")
                }
                let perHeat = try context.gasMass(ipcc * Quantity(1, .gigajoule), as: .tonneCO2, "co2_factor")
                let co2 = context.trail.step("E_CO2", "AD × EF_CO2", [energy, ipcc],
                                             Quantity(energy.value * perHeat.value, .tonneCO2))
                try addCO2(co2, biogenic: biogenic, field: "co2_factor", into: &result, context: &context)
                try nonCO2(&context, energy: energy, fuel: fuel, into: &result)
                result.trail = context.trail
                return result
            }
            let ccPerGJ = try context.convert(cc, to: try Unit.parse("tC/GJ"), "carbon_content")
            if cc.unit.symbol != ccPerGJ.unit.symbol {
                context.trail.step("CC", "carbon content in tC/GJ", [cc], ccPerGJ)
            }
            let of = try oxidation(&context, fuel: fuel)
            let ef = context.trail.step("EF", "CC × OF × 44/12", [ccPerGJ, Quantity(of, .ratio)],
                                        Quantity((ccPerGJ.value * of).carbonToCO2, try Unit.parse("tCO2/GJ")))
            let co2 = context.trail.step("E_CO2", "AD × EF", [energy, ef], Quantity(energy.value * ef.value, .tonneCO2))
            try addCO2(co2, biogenic: biogenic, field: "carbon_content", into: &result, context: &context)
        }
        try nonCO2(&context, energy: energy, fuel: fuel, into: &result)
        result.trail = context.trail
        return result
    }

    /// AD = FC × NCV in GJ; liquid volumes meet per-mass heat values through `density`.
    static func heat(_ fc: Quantity, heatValue: Quantity, field: String, context: inout SourceContext)
        throws(CalculationError) -> Quantity
    {
        var activity = fc
        let perUnit = heatValue.unit.dimension / .energy  // 1/denominator
        let activityDimension = Dimension.none / perUnit
        if activity.dimension != activityDimension {
            if let density = try context.quantity(context.input.density, "density") {
                context.trail.use(.input("density", density))
                let product = fc * density
                if product.dimension == activityDimension {
                    activity = context.trail.step("m", "FC × ρ", [fc, density], product)
                } else if (fc / density).dimension == activityDimension {
                    activity = context.trail.step("V", "FC / ρ", [fc, density], fc / density)
                }
            }
        }
        let energy = activity * heatValue
        guard energy.dimension == .energy else {
            throw CalculationError(
                .dimensionMismatch,
                "quantity \(fc) (\(fc.dimension)) does not match \(field) \(heatValue.unit.symbol); convert the quantity, or give 'density' for litres against a per-mass value",
                field: "quantity")
        }
        return context.trail.step("AD", "FC × \(field.uppercased())", [activity, heatValue],
                                  try context.convert(energy, to: .gigajoule, field))
    }

    /// The fuel's mass: FC itself, or FC × density for volumes.
    static func massOfFuel(_ fc: Quantity, context: inout SourceContext) throws(CalculationError) -> Quantity {
        if fc.dimension == .mass { return try context.convert(fc, to: .tonne, "quantity") }
        guard let density = try context.quantity(context.input.density, "density") else {
            throw CalculationError(.dimensionMismatch, "carbon_fraction is per mass: give the quantity as a mass or add 'density'",
                                   field: "quantity")
        }
        context.trail.use(.input("density", density))
        return context.trail.step("m", "FC × ρ", [fc, density], try context.convert(fc * density, to: .tonne, "density"))
    }

    static func oxidation(_ context: inout SourceContext, fuel: Fuel?) throws(CalculationError) -> Decimal {
        var queries: [FactorQuery] = []
        if let fuel {
            queries.append(FactorQuery(parameter: "oxidation", subject: fuel.key, region: "CN", scope: "default"))
            switch fuel.state {
            case .liquid: queries.append(FactorQuery(parameter: "oxidation", subject: "liquid_fuels", scope: "default"))
            case .gaseous: queries.append(FactorQuery(parameter: "oxidation", subject: "gaseous_fuels", scope: "default"))
            case .solid: break
            }
        }
        guard let of = try context.ratioParameter(context.input.oxidation, field: "oxidation", role: "oxidation",
                                                  defaults: queries)
        else {
            throw CalculationError(.missingInput, "'oxidation' is required (no library default for this fuel)",
                                   field: "oxidation")
        }
        guard of <= 1 else { throw CalculationError(.invalidInput, "an oxidation rate above 100%", field: "oxidation") }
        return of
    }

    static func addCO2(_ emitted: Quantity, biogenic: Bool, field: String, into result: inout SourceResult,
                       context: inout SourceContext) throws(CalculationError)
    {
        if emitted.dimension == .co2e {
            result.co2e += try context.convert(emitted, to: .tonneCO2e, field).value
            return
        }
        let tonnes = try context.gasMass(emitted, as: .tonneCO2, field).value
        if biogenic {
            result.biogenicCO2 += tonnes
            context.trail.note("memo", "biogenic CO2 reported as a memo item, outside the total (GB/T 32150)",
                               result: Quantity(tonnes, .tonneCO2).description)
        } else {
            try result.add(.co2, tonnes: tonnes, edition: context.edition, trail: &context.trail)
        }
    }

    /// CH4 and N2O from factors per heat, when given.
    static func nonCO2(_ context: inout SourceContext, energy: Quantity?, fuel: Fuel?, into result: inout SourceResult)
        throws(CalculationError)
    {
        let fossil: Bool
        switch context.input.ch4Origin {
        case nil: fossil = !(context.input.biogenic ?? fuel?.biogenic ?? false)
        case "fossil": fossil = true
        case "non_fossil": fossil = false
        case let other?:
            throw CalculationError(.invalidInput, "'\(other)' is not fossil or non_fossil", field: "ch4_origin")
        }
        for (field, given, gas) in [("ch4_factor", context.input.ch4Factor, fossil ? Greenhouse.ch4Fossil : .ch4),
                                    ("n2o_factor", context.input.n2oFactor, .n2o)] {
            guard let factor = try context.quantity(given, field) else { continue }
            guard let energy else {
                throw CalculationError(.missingInput, "\(field) is per heat: give 'ncv' too", field: field)
            }
            context.trail.use(.input(field, factor))
            let perGJ = try context.convert(factor, to: try Unit.parse("t/GJ"), field)
            let mass = context.trail.step("m_\(gas.reported.rawValue)", "AD × EF_\(gas.reported.rawValue)", [energy, factor],
                                          Quantity(energy.value * perGJ.value, .tonne))
            try result.add(gas, tonnes: mass.value, edition: context.edition, trail: &context.trail)
        }
    }
}
