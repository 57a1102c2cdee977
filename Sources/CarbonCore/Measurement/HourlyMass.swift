import Foundation

/// The mass of one gas emitted in one valid hour:
///
///     C_mg  = C_ppm × M / V_m                      (ppm by volume → mg/Nm3; V_m = 22.414 L/mol)
///     C_dry = C_wet / (1 − H2O)                    (a wet-basis concentration is diluted by water vapour)
///     Q_dry = Q_wet × (1 − H2O)                    (the dry part of a wet flow)
///     m     = C_dry × Q_dry × 1 h × 10⁻⁹ t/mg
///
/// Concentration and flow must be on the same (dry) basis before they are multiplied; converting
/// both keeps a wet × wet pair exact and catches a wet × dry pair, which is the common error.
/// Everything is `Decimal`; the only divisions are by V_m and by (1 − H2O).
struct HourlyMass: Hashable, Sendable {
    /// Concentration on a dry basis, mg/Nm3.
    let concentrationDry: Decimal
    /// Flue-gas flow on a dry basis, Nm3/h.
    let flowDry: Decimal
    /// Tonnes of the gas in the hour.
    let tonnes: Decimal
    /// How the inputs were read, for the worked example in the trail.
    let explanation: String

    /// 22.414 L/mol: molar volume of an ideal gas at 0 °C and 101.325 kPa, the state the
    /// concentrations and flows are referred to.
    static let molarVolume = Decimal(string: "22.414")!
    static let milligramsPerTonne = Decimal(1_000_000_000)
    static let normalCubicMetresPerHour = Unit.normalCubicMetre / Unit.hour

    /// Reads a valid hour; errors name the field under the record (`concentration.unit`).
    init(record: MeasurementSource.HourRecord, gas: MeasurementSource.Gas) throws(CalculationError) {
        guard let concentration = record.concentration else {
            throw CalculationError(.missingInput, "a valid hour needs a concentration", field: "concentration")
        }
        guard let flow = record.flow else {
            throw CalculationError(.missingInput, "a valid hour needs a flue-gas flow", field: "flow")
        }
        let (concentrationMg, concentrationNote) = try Self.milligramsPerCubicMetre(concentration, gas: gas)
        let flowNm3 = try Self.normalCubicMetres(flow)

        var dryFraction: Decimal = 1
        var moistureNote = ""
        if concentration.basis == .wet || flow.basis == .wet {
            guard let moistureText = record.moisture else {
                throw CalculationError(.missingInput,
                                       "moisture is required when the concentration or the flow is on a wet basis",
                                       field: "moisture")
            }
            let moisture: Decimal
            do { moisture = try Quantity.parseRatio(moistureText) } catch { throw error.at("moisture") }
            guard moisture >= 0, moisture < 1 else {
                throw CalculationError(.invalidInput,
                                       "moisture '\(moistureText)' must be at least 0 and below 100%", field: "moisture")
            }
            dryFraction = 1 - moisture
            moistureNote = "; H2O = \(DecimalText.plain(moisture))"
        }
        concentrationDry = concentration.basis == .wet ? concentrationMg / dryFraction : concentrationMg
        flowDry = flow.basis == .wet ? flowNm3 * dryFraction : flowNm3
        tonnes = concentrationDry * flowDry / Self.milligramsPerTonne
        explanation = "C_\(concentration.basis.rawValue) = \(concentrationNote); "
            + "Q_\(flow.basis.rawValue) = \(DecimalText.plain(flowNm3)) Nm3/h\(moistureNote) → "
            + "C_dry = \(DecimalText.plain(concentrationDry)) mg/Nm3, Q_dry = \(DecimalText.plain(flowDry)) Nm3/h"
    }

    /// The concentration in mg/Nm3 on its own basis. `%` is refused rather than converted: a
    /// percentage on a CEMS sheet is as often a mass fraction as a volume fraction, and guessing
    /// would change the result by the ratio of molar masses.
    static func milligramsPerCubicMetre(_ reading: MeasurementSource.Reading,
                                        gas: MeasurementSource.Gas) throws(CalculationError) -> (Decimal, String) {
        let value: Decimal
        do { value = try DecimalText.parse(reading.value) } catch { throw error.at("concentration.value") }
        guard value >= 0 else {
            throw CalculationError(.negativeQuantity, "a concentration cannot be negative", field: "concentration.value")
        }
        let unit = reading.unit.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "³", with: "3")
        switch unit.lowercased() {
        case "ppm", "ppmv", "ppm(v)", "ppm by volume":
            let milligrams = value * gas.molarMass / molarVolume
            return (milligrams, "\(DecimalText.plain(value)) ppm × \(DecimalText.plain(gas.molarMass)) g/mol / "
                        + "22.414 L/mol = \(DecimalText.plain(milligrams)) mg/Nm3")
        case "mg/m3", "mg/nm3":
            return (value, "\(DecimalText.plain(value)) mg/Nm3")
        default:
            throw CalculationError(
                .unknownUnit,
                "'\(reading.unit)' is not a CEMS concentration unit; accepted: ppm (by volume), mg/m3 (at 0 °C, "
                    + "101.325 kPa). Write a volume percentage as ppm (1% = 10000 ppm)",
                field: "concentration.unit")
        }
    }

    /// The flow in Nm3/h on its own basis. Any gas volume at a stated reference state per time
    /// is converted exactly; a geometric volume (`m3/h`) fails with a dimension mismatch, because
    /// a stack flow at stack temperature and pressure is not a standard-condition flow.
    static func normalCubicMetres(_ reading: MeasurementSource.Reading) throws(CalculationError) -> Decimal {
        let value: Decimal
        do { value = try DecimalText.parse(reading.value) } catch { throw error.at("flow.value") }
        guard value >= 0 else {
            throw CalculationError(.negativeQuantity, "a flue-gas flow cannot be negative", field: "flow.value")
        }
        let unit: Unit
        do { unit = try Unit.parse(reading.unit) } catch { throw error.at("flow.unit") }
        do {
            return try Quantity(value, unit).value(in: normalCubicMetresPerHour)
        } catch {
            var located = error.at("flow.unit")
            located.message += "; write the flue-gas flow at standard conditions (0 °C, 101.325 kPa) in Nm3/h"
            throw located
        }
    }
}
