import Foundation

/// The enterprise inventory in the GB/T 32150-2015 structure:
/// E = E_combustion + E_process + E_purchased_electricity + E_purchased_heat
///     − E_exported_electricity − E_exported_heat − R_recovered + E_fugitive,
/// with biogenic CO2 as a memo item outside the total. Unrounded throughout; the report rounds.
public struct InventoryCalculator: Sendable {
    public let library: any FactorResolving

    public init(library: any FactorResolving) { self.library = library }

    public func calculate(_ input: InventoryInput) throws(CalculationError) -> InventoryResult {
        let edition = try Self.edition(input.gwp)
        let year: Int
        if let given = input.year { year = given } else { year = try Self.year(of: input.period.to) }
        var seen: Set<String> = []
        var sources: [SourceResult] = []
        for (index, source) in input.sources.enumerated() {
            let field = "sources[\(index)]"
            guard !source.id.isEmpty else { throw CalculationError(.missingInput, "'id' is empty", field: field + ".id") }
            guard seen.insert(source.id).inserted else {
                throw CalculationError(.invalidInput, "source id '\(source.id)' appears twice", field: field + ".id")
            }
            do {
                var context = SourceContext(input: source, library: library, edition: edition, year: year)
                sources.append(try Self.calculate(&context))
            } catch {
                var located = error.at(field)
                located.message = "source '\(source.id)': " + located.message
                throw located
            }
        }
        try Monitoring.compare(&sources, inputs: input.sources)
        var result = InventoryResult(organisation: input.organisation, period: input.period, edition: edition,
                                     year: year, sources: sources)
        result.intensities = try Self.intensities(input.production ?? [], total: result.total)
        return result
    }

    static func calculate(_ context: inout SourceContext) throws(CalculationError) -> SourceResult {
        guard let kind = SourceResult.Kind(rawValue: context.input.kind) else {
            throw CalculationError(
                .invalidInput,
                "unknown kind '\(context.input.kind)'; use \(SourceResult.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                field: "kind")
        }
        switch kind {
        case .combustion: return try Combustion.calculate(&context)
        case .process: return try Process.calculate(&context)
        case .purchasedElectricity, .exportedElectricity: return try Electricity.calculate(&context, kind: kind)
        case .purchasedHeat, .exportedHeat: return try Heat.calculate(&context, kind: kind)
        case .recoveredCO2: return try Recovery.calculate(&context)
        case .fugitive: return try Fugitive.calculate(&context)
        case .cems: return try Monitoring.calculate(&context)
        }
    }

    static func edition(_ text: String?) throws(CalculationError) -> GWPEdition {
        guard let text else { return .ar5 }
        guard let edition = GWPEdition(rawValue: text.uppercased()) else {
            throw CalculationError(.invalidInput, "unknown GWP edition '\(text)'; use AR2, AR4, AR5 or AR6", field: "gwp")
        }
        return edition
    }

    /// The year of an ISO date `YYYY-MM-DD`, read as text: no calendar or clock is needed.
    static func year(of date: String) throws(CalculationError) -> Int {
        let parts = date.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
              let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { throw CalculationError(.invalidInput, "'\(date)' is not a date like 2024-12-31", field: "period.to") }
        return year
    }

    static func intensities(_ production: [ProductionInput], total: Decimal) throws(CalculationError) -> [Intensity] {
        var result: [Intensity] = []
        for (index, output) in production.enumerated() {
            let field = "production[\(index)]"
            let quantity: Quantity
            do {
                quantity = try Quantity(value: output.quantity.value, unit: output.quantity.unit)
            } catch { throw error.at(field + ".quantity") }
            guard quantity.value > 0 else {
                throw CalculationError(.invalidInput, "a production quantity must be positive", field: field + ".quantity")
            }
            var intensity = Intensity(id: output.id, name: output.name, production: quantity,
                                      value: total / quantity.value, unit: "tCO2e/\(quantity.unit.symbol)")
            if let given = output.benchmark {
                let benchmark: Quantity
                do { benchmark = try Quantity(value: given.value, unit: given.unit) } catch { throw error.at(field + ".benchmark") }
                var peers: [Decimal] = []
                for (peer, text) in (output.peers ?? []).enumerated() {
                    do { peers.append(try DecimalText.parse(text)) } catch { throw error.at(field + ".peers[\(peer)]") }
                }
                do {
                    intensity.benchmark = try BenchmarkComparison.compare(
                        total: Quantity(total, .tonneCO2e), production: quantity, benchmark: benchmark, peers: peers)
                } catch { throw error.at(field) }
            }
            result.append(intensity)
        }
        return result
    }
}

/// Emissions per unit of output.
public struct Intensity: Sendable {
    public var id: String
    public var name: String?
    public var production: Quantity
    public var value: Decimal
    public var unit: String
    /// The comparison with an industry benchmark, when the production line gives one.
    public var benchmark: BenchmarkResult?
}
