import Foundation

/// An inventory's unrounded result. `report()` gives the rounded, printable form.
public struct InventoryResult: Sendable {
    public var organisation: String
    public var period: InventoryInput.Period
    public var edition: GWPEdition
    public var year: Int
    public var sources: [SourceResult]
    public var intensities: [Intensity] = []

    /// tCO2e, signed sum of every counted source.
    public var total: Decimal { sources.reduce(0) { $0 + $1.contribution } }

    /// Signed tCO2e per kind, in the GB/T 32150 order.
    public var byKind: [(SourceResult.Kind, Decimal)] {
        SourceResult.Kind.allCases.compactMap { kind in
            let members = sources.filter { $0.kind == kind && $0.counted }
            return members.isEmpty ? nil : (kind, members.reduce(0) { $0 + $1.contribution })
        }
    }

    /// Net tonnes of each gas (deductions count negative).
    public var byGas: [(Greenhouse, Decimal)] {
        Greenhouse.allCases.compactMap { gas in
            let amounts = sources.filter(\.counted).compactMap { source in
                source.gases[gas].map { source.kind.sign * $0 }
            }
            return amounts.isEmpty ? nil : (gas, amounts.reduce(0, +))
        }
    }

    public var biogenicCO2: Decimal { sources.filter(\.counted).reduce(0) { $0 + $1.biogenicCO2 } }
}
