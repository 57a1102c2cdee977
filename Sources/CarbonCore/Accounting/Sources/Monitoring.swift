import Foundation

/// A `cems` source: the measurement method (continuous emission monitoring) inside an inventory.
/// With `compare_with`, the measurement and the calculation describe one stack: one of them is
/// counted (`use`: `comparison`, the default, keeps the calculation; `total` counts the
/// measurement) and the difference between them is reported either way.
enum Monitoring {
    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        guard let source = context.input.measurement else {
            throw CalculationError(.missingInput, "a cems source needs 'gas', 'period' and 'hours'", field: "hours")
        }
        var result = SourceResult(id: context.input.id, kind: .cems)
        let methane: Greenhouse = context.input.ch4Origin == "non_fossil" ? .ch4 : .ch4Fossil
        let measured = try MeasurementMethod.calculate(source, gwpCH4: try GWP.value(of: methane, in: context.edition))
        context.trail.append(contentsOf: measured.trail)
        for total in measured.gases {
            let gas: Greenhouse = total.gas == .co2 ? .co2 : methane
            try result.add(gas, tonnes: total.tonnes, edition: context.edition, trail: &context.trail)
        }
        switch context.input.use {
        case nil: result.counted = context.input.measurement?.compareWith == nil
        case "total": result.counted = true
        case "comparison": result.counted = false
        case let other?:
            throw CalculationError(.invalidInput, "'\(other)' is not total or comparison", field: "use")
        }
        result.measurement = measured
        result.trail = context.trail
        return result
    }

    /// Attaches each measurement's comparison with the calculated source it names, and makes
    /// sure exactly one of the two is counted.
    static func compare(_ results: inout [SourceResult], inputs: [SourceInput]) throws(CalculationError) {
        for index in results.indices {
            guard let measured = results[index].measurement, let other = measured.compareWith else { continue }
            let field = "sources[\(index)].compare_with"
            guard let target = results.firstIndex(where: { $0.id == other }), target != index else {
                throw CalculationError(.invalidInput, "source '\(results[index].id)': compare_with names no other source ('\(other)')",
                                       field: field)
            }
            let calculated = Quantity(results[target].gases[.co2] ?? 0, .tonneCO2)
            results[index].comparison = try MeasurementComparison(measured: measured, calculated: calculated,
                                                                  calculatedSourceID: other)
            results[target].counted = !results[index].counted
            if results[index].counted {
                results[target].trail.note("counted", "replaced in the total by the measurement '\(results[index].id)'")
            }
        }
    }
}
