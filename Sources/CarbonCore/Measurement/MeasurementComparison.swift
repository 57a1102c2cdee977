import Foundation

/// The measured CO2 of a CEMS source set against the calculation method for the same source
/// (requirement M5: the two methods are cross-checked). Difference = measured − calculated, in
/// tCO2 and in percent of the calculated figure; a positive difference means the stack emitted
/// more than the fuel-based calculation says. Values are unrounded; the JSON encoding rounds
/// to 3 places, half-up.
public struct MeasurementComparison: Encodable, Sendable, Hashable {
    public let sourceID: String
    /// The calculated source compared with (the CEMS source's `compare_with`, or the caller's).
    public let calculatedSourceID: String?
    public let measuredTCO2: Decimal
    public let calculatedTCO2: Decimal
    /// measured − calculated, tCO2.
    public let differenceTCO2: Decimal
    /// (measured − calculated) / calculated × 100; nil when the calculated figure is zero.
    public let differencePercent: Decimal?
    public let trail: FormulaTrail

    /// Per cent, for showing the computed percentage in the trail.
    static let percentUnit = Unit(symbol: "%", dimension: .none, factor: Decimal(string: "0.01")!)

    /// Compares `measured` with `calculated`, which must be a CO2 mass (`tCO2`, `kgCO2`…); a
    /// plain mass or a CO2e mass is refused (dimension mismatch), since CH4 and N2O would be mixed in.
    public init(measured: MeasurementResult, calculated: Quantity,
                calculatedSourceID: String? = nil) throws(CalculationError) {
        guard let measuredCO2 = measured.co2 else {
            throw CalculationError(.missingInput, "source '\(measured.sourceID)' measures no CO2 to compare",
                                   field: "gas")
        }
        let calculatedCO2: Quantity
        do { calculatedCO2 = try calculated.converted(to: .tonneCO2) } catch { throw error.at("calculated") }
        guard calculatedCO2.value >= 0 else {
            throw CalculationError(.negativeQuantity, "the calculated emission cannot be negative", field: "calculated")
        }
        var trail = FormulaTrail()
        let difference = trail.step("ΔE", "E_measured − E_calculated", [measuredCO2, calculatedCO2],
                                    try measuredCO2.subtracting(calculatedCO2))
        if calculatedCO2.value == 0 {
            differencePercent = nil
            trail.note("ΔE%", "ΔE / E_calculated × 100 is undefined: the calculated emission is zero")
        } else {
            let percent = difference.value / calculatedCO2.value * 100
            trail.step("ΔE%", "ΔE / E_calculated × 100", [difference, calculatedCO2], Quantity(percent, Self.percentUnit))
            differencePercent = percent
        }
        sourceID = measured.sourceID
        self.calculatedSourceID = calculatedSourceID ?? measured.compareWith
        measuredTCO2 = measuredCO2.value
        calculatedTCO2 = calculatedCO2.value
        differenceTCO2 = difference.value
        self.trail = trail
    }

    enum CodingKeys: String, CodingKey {
        case sourceID = "source_id", calculatedSourceID = "calculated_source_id"
        case measuredTCO2 = "measured_tco2", calculatedTCO2 = "calculated_tco2"
        case differenceTCO2 = "difference_tco2", differencePercent = "difference_percent"
        case trail = "formula_trail"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encodeIfPresent(calculatedSourceID, forKey: .calculatedSourceID)
        try container.encode(DecimalText.format(measuredTCO2, places: 3), forKey: .measuredTCO2)
        try container.encode(DecimalText.format(calculatedTCO2, places: 3), forKey: .calculatedTCO2)
        try container.encode(DecimalText.format(differenceTCO2, places: 3), forKey: .differenceTCO2)
        // Explicit null when undefined, so a reader does not mistake its absence for "no difference".
        if let differencePercent {
            try container.encode(DecimalText.format(differencePercent, places: 3), forKey: .differencePercent)
        } else {
            try container.encodeNil(forKey: .differencePercent)
        }
        try container.encode(trail.steps, forKey: .trail)
    }
}
