import Foundation

/// The emissions of one source, unrounded. `sign` is −1 for what GB/T 32150 deducts (exported
/// electricity and heat, recovered CO2); gas tonnes are the physical amounts, always ≥ 0.
public struct SourceResult: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case combustion, process, purchasedElectricity = "purchased_electricity"
        case exportedElectricity = "exported_electricity", purchasedHeat = "purchased_heat"
        case exportedHeat = "exported_heat", recoveredCO2 = "recovered_co2", fugitive, cems

        var sign: Decimal {
            switch self {
            case .exportedElectricity, .exportedHeat, .recoveredCO2: -1
            default: 1
            }
        }
    }

    public var id: String
    public var kind: Kind
    /// Tonnes of each gas (CH4 fossil and non-fossil both reported as CH4).
    public var gases: [Greenhouse: Decimal] = [:]
    /// tCO2e before the sign: what the source emits, or what is deducted.
    public var co2e: Decimal = 0
    /// Biogenic CO2 (t), reported as a memo item outside the total.
    public var biogenicCO2: Decimal = 0
    /// False when another source stands in for this one (a measurement replacing a calculation).
    public var counted = true
    public var trail = FormulaTrail()
    /// For `cems` sources: the measurement method's full result, and its comparison with the
    /// calculated source it names.
    public var measurement: MeasurementResult?
    public var comparison: MeasurementComparison?

    /// The contribution to the total, signed.
    public var contribution: Decimal { counted ? kind.sign * co2e : 0 }

    init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// Adds `tonnes` of `gas` and its CO2e under `edition`, with a trail step and the GWP used.
    mutating func add(_ gas: Greenhouse, tonnes: Decimal, edition: GWPEdition, trail: inout FormulaTrail)
        throws(CalculationError)
    {
        gases[gas.reported, default: 0] += tonnes
        if gas == .co2 {
            co2e += tonnes
            return
        }
        let gwp = try GWP.value(of: gas, in: edition)
        trail.use(try GWP.use(of: gas, in: edition))
        let equivalent = trail.step("CO2e_\(gas.rawValue)", "m_\(gas.rawValue) × GWP_\(gas.rawValue) (\(edition.rawValue))",
                                    [Quantity(tonnes, .tonne), Quantity(gwp, try Unit.parse("tCO2e/t"))],
                                    Quantity(tonnes * gwp, .tonneCO2e))
        co2e += equivalent.value
    }
}
