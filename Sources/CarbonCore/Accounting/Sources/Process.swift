import Foundation

/// Industrial process emissions:
/// - `carbonate`: carbonate mass × purity × stoichiometric factor (calcite, magnesite, dolomite,
///   siderite, soda ash; limestone counts as calcite);
/// - `clinker`: (clinker + kiln dust) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40];
/// - `organic_carbon`: raw meal × organic carbon fraction × 44/12;
/// - `factor`: output × an explicit factor (or a library factor by `factor_id`).
enum Process {
    static let materialAliases = ["limestone": "calcite", "caco3": "calcite", "mgco3": "magnesite",
                                  "feco3": "siderite", "na2co3": "soda_ash", "sodium_carbonate": "soda_ash"]

    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        let input = context.input
        var result = SourceResult(id: input.id, kind: .process)
        let method = input.method ?? (input.cao != nil ? "clinker" : input.organicCarbon != nil ? "organic_carbon"
            : (input.factor != nil || input.factorID != nil) ? "factor" : input.material != nil ? "carbonate" : "")
        let quantity = try context.activity("Q")
        let co2: Quantity
        switch method {
        case "carbonate":
            guard let name = input.material else {
                throw CalculationError(.missingInput, "'material' is required for a carbonate", field: "material")
            }
            let key = name.lowercased()
            let mineral = materialAliases[key] ?? key
            let mass = try context.convert(quantity, to: .tonne, "quantity")
            let purity = try context.ratio(input.purity, "purity")
            if purity == nil { context.trail.note("purity", "not given: 100% carbonate assumed (conservative)") }
            guard let factor = try context.parameter(
                input.factor, field: "factor", role: "process_factor",
                defaults: [FactorQuery(parameter: "process_factor", subject: mineral)])
            else {
                throw CalculationError(.noFactor,
                                       "no carbonate factor for material '\(name)'; known: limestone, calcite, magnesite, dolomite, siderite, soda_ash, or give 'factor'",
                                       field: "material")
            }
            let perTonne = try context.convert(factor, to: try Unit.parse("tCO2/t"), "factor")
            co2 = context.trail.step("E_CO2", "m × purity × EF_\(mineral)", [mass, Quantity(purity ?? 1, .ratio), factor],
                                     Quantity(mass.value * (purity ?? 1) * perTonne.value, .tonneCO2))
        case "clinker":
            let clinker = try context.convert(quantity, to: .tonne, "quantity")
            var output = clinker
            if let dust = try context.quantity(input.kilnDust, "kiln_dust") {
                output = context.trail.step("Q", "clinker + kiln dust", [clinker, dust],
                                            try context.convert(try clinker.adding(dust), to: .tonne, "kiln_dust"))
            }
            func fraction(_ text: String?, _ field: String) throws(CalculationError) -> Decimal {
                guard let value = try context.ratio(text, field) else {
                    throw CalculationError(.missingInput, "'\(field)' is required for the clinker method", field: field)
                }
                return value
            }
            let cao = try fraction(input.cao, "cao"), caoNC = try fraction(input.caoNonCarbonate, "cao_non_carbonate")
            let mgo = try fraction(input.mgo, "mgo"), mgoNC = try fraction(input.mgoNonCarbonate, "mgo_non_carbonate")
            let ef = context.trail.step(
                "EF_clk", "(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40",
                [cao, caoNC, mgo, mgoNC].map { Quantity($0, .ratio) },
                Quantity((cao - caoNC) * 44 / 56 + (mgo - mgoNC) * 44 / 40, try Unit.parse("tCO2/t")))
            co2 = context.trail.step("E_CO2", "Q × EF_clk", [output, ef], Quantity(output.value * ef.value, .tonneCO2))
        case "organic_carbon":
            let rawMeal = try context.convert(quantity, to: .tonne, "quantity")
            guard let fraction = try context.ratio(input.organicCarbon, "organic_carbon") else {
                throw CalculationError(.missingInput, "'organic_carbon' is required", field: "organic_carbon")
            }
            co2 = context.trail.step("E_CO2", "raw meal × FR0 × 44/12", [rawMeal, Quantity(fraction, .ratio)],
                                     Quantity((rawMeal.value * fraction).carbonToCO2, .tonneCO2))
        case "factor":
            var factor = try context.quantity(input.factor, "factor")
            if let given = factor { context.trail.use(.input("factor", given)) } else {
                factor = try context.namedFactor(role: "process_factor")
            }
            guard let factor else { throw CalculationError(.missingInput, "'factor' is required", field: "factor") }
            co2 = context.trail.step("E", "Q × factor", [quantity, factor], quantity * factor)
        default:
            throw CalculationError(.invalidInput,
                                   "unknown process method '\(method)'; use carbonate, clinker, organic_carbon or factor",
                                   field: "method")
        }
        try Combustion.addCO2(co2, biogenic: false, field: "factor", into: &result, context: &context)
        result.trail = context.trail
        return result
    }
}
