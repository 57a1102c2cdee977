import Foundation

/// How one multi-output process was shared among its products, as reported with the result.
public struct AllocationReport: Hashable, Sendable {
    public struct Share: Hashable, Sendable {
        public var product: String
        public var amount: Quantity
        /// What the share was computed from: the mass (t) or the value (yuan) of the output.
        public var basis: Quantity
        /// Fraction of the process; the last output takes `1 − Σ others`, so shares sum to 1.
        public var share: Decimal
        /// CO2e per run of the process allocated to this product, in the result unit.
        public var allocatedEmissions: Decimal
        /// `allocatedEmissions / amount`, per unit of the product.
        public var perUnit: Decimal
    }

    public var processID: String
    public var method: AllocationMethod
    public var hierarchyStep: String
    public var justification: String?
    /// CO2e per run of the whole process before allocation.
    public var processEmissions: Decimal
    public var shares: [Share]
}

enum CoProductAllocation {
    /// Shares in ISO 14044 terms. The last output gets the remainder, so the allocated parts add
    /// back to the process exactly; shares are cut at 20 places so every part stays well inside
    /// Decimal's 38 digits and the additions are exact.
    static func shares(of outputs: [FootprintModel.Output], amounts: [Quantity], method: AllocationMethod,
                       trail: inout FormulaTrail) throws(CalculationError) -> [(basis: Quantity, share: Decimal)]
    {
        var bases: [Quantity] = []
        for (index, output) in outputs.enumerated() {
            let field = index == 0 ? "product" : "co_products[\(index - 1)]"
            switch method {
            case .mass:
                do { bases.append(try amounts[index].converted(to: .tonne)) } catch {
                    throw CalculationError(.dimensionMismatch,
                                           "mass allocation needs a mass; \(output.product) is in \(amounts[index].unit.symbol) (\(amounts[index].dimension))",
                                           field: "\(field).unit")
                }
            case .economic:
                guard let price = output.price else {
                    throw CalculationError(.missingInput, "economic allocation needs a price for \(output.product)",
                                           field: "\(field).price")
                }
                let rate = try ElementaryFlowEvaluator.quantity(
                    FootprintModel.Amount(amount: price.value, unit: price.unit), field: "\(field).price", valueKey: "value")
                let value = amounts[index] * rate
                do {
                    bases.append(trail.step("V[\(output.product)]", "amount × price", [amounts[index], rate],
                                            try value.converted(to: .yuan)))
                } catch {
                    throw CalculationError(.dimensionMismatch,
                                           "\(amounts[index].unit.symbol) × \(rate.unit.symbol) is not money; write the price per \(amounts[index].unit.symbol) (yuan/\(amounts[index].unit.symbol))",
                                           field: "\(field).price.unit")
                }
            }
        }
        var total = Decimal(0)
        for basis in bases { total += basis.value }
        guard total > 0 else {
            throw CalculationError(.invalidInput, "the \(method.rawValue) of all outputs is zero: nothing to allocate by",
                                   field: "allocation.method")
        }
        let shares = split(1, weights: bases.map(\.value), total: total)
        for (index, basis) in bases.enumerated() {
            let last = index == bases.count - 1 && bases.count > 1
            trail.step("share[\(outputs[index].product)]", last ? "1 − Σ other shares" : "basis / Σ basis",
                       last ? [] : [basis, Quantity(total, basis.unit)], Quantity(shares[index], .ratio))
        }
        return zip(bases, shares).map { (basis: $0, share: $1) }
    }

    /// Shares of `weights` in `total`, cut at 20 places, the last one being the remainder.
    private static func split(_ whole: Decimal, weights: [Decimal], total: Decimal) -> [Decimal] {
        split(whole, shares: weights.map { ($0 / total).rounded(places: 20) })
    }

    /// `value` cut into parts by `shares`; the last part is what is left, so they sum to `value`.
    static func split(_ value: Decimal, shares: [Decimal]) -> [Decimal] {
        var parts: [Decimal] = []
        var assigned = Decimal(0)
        for (index, share) in shares.enumerated() {
            let part = index == shares.count - 1 ? value - assigned : value * share
            assigned += part
            parts.append(part)
        }
        return parts
    }
}
