import Foundation

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
        try result.add(gas, tonnes: mass.value, edition: context.edition, trail: &context.trail)
        result.trail = context.trail
        return result
    }
}
