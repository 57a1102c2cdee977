import Foundation

/// What the measurement method reports for one CEMS source. Figures are kept unrounded (decisions
/// and comparisons use them); the JSON encoding rounds once, half-up: tonnes of each gas to 6
/// places, tCO2e and percentages to 3. Keys are snake_case, decimals are strings.
public struct MeasurementResult: Encodable, Sendable, Hashable {
    public typealias Gas = MeasurementSource.Gas

    /// Which substitution rule filled an hour (see `GapSubstitution`).
    public enum SubstitutionRule: String, Encodable, Sendable, Hashable {
        /// Gap ≤ 24 h: mean of the valid hours on either side.
        case gapMean = "gap_mean"
        /// Gap ≤ 24 h at the start or end of the period: its one valid neighbour.
        case gapEdge = "gap_edge"
        /// Gap > 24 h: the largest valid hourly mass of the period.
        case periodMaximum = "period_maximum"
    }

    /// One substituted hour.
    public struct Substitution: Encodable, Sendable, Hashable {
        public let hour: String
        public let gas: Gas
        /// `invalid` (flagged by the DAS) or `missing` (flagged, or absent from the records).
        public let reason: MeasurementSource.Validity
        public let rule: SubstitutionRule
        /// Hourly mass put in, t of the gas, unrounded.
        public let tonnes: Decimal
        /// The gap this hour belongs to.
        public let gapFrom: String
        public let gapTo: String
        public let gapHours: Int
        public let basis: String

        enum CodingKeys: String, CodingKey {
            case hour, gas, reason, rule, basis
            case tonnes = "value_t", gapFrom = "gap_from", gapTo = "gap_to", gapHours = "gap_hours"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(hour, forKey: .hour)
            try container.encode(gas, forKey: .gas)
            try container.encode(reason, forKey: .reason)
            try container.encode(rule, forKey: .rule)
            try container.encode(DecimalText.format(tonnes, places: 6), forKey: .tonnes)
            try container.encode(gapFrom, forKey: .gapFrom)
            try container.encode(gapTo, forKey: .gapTo)
            try container.encode(gapHours, forKey: .gapHours)
            try container.encode(basis, forKey: .basis)
        }
    }

    /// One hour of the series: measured, or substituted.
    public struct Hourly: Encodable, Sendable, Hashable {
        public let hour: String
        public let gas: Gas
        /// `measured` or `substituted`.
        public let status: String
        /// mg/Nm3 dry and Nm3/h dry, for measured hours.
        public let concentrationDry: Decimal?
        public let flowDry: Decimal?
        public let tonnes: Decimal

        enum CodingKeys: String, CodingKey {
            case hour, gas, status
            case concentrationDry = "concentration_dry_mg_per_nm3", flowDry = "flow_dry_nm3_per_h", tonnes = "mass_t"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(hour, forKey: .hour)
            try container.encode(gas, forKey: .gas)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(concentrationDry.map { DecimalText.format($0, places: 3) }, forKey: .concentrationDry)
            try container.encodeIfPresent(flowDry.map { DecimalText.format($0, places: 3) }, forKey: .flowDry)
            try container.encode(DecimalText.format(tonnes, places: 6), forKey: .tonnes)
        }
    }

    /// The total of one gas over the period.
    public struct GasTotal: Encodable, Sendable, Hashable {
        public let gas: Gas
        /// Tonnes of the gas: measured plus substituted, unrounded.
        public let tonnes: Decimal
        public let measuredTonnes: Decimal
        public let substitutedTonnes: Decimal
        /// tCO2e: tonnes × GWP (1 for CO2).
        public let co2e: Decimal
        public let hoursInPeriod: Int
        public let validHours: Int
        public let invalidHours: Int
        public let missingHours: Int
        /// Valid hours / hours in the period × 100, unrounded.
        public let captureRatePercent: Decimal

        enum CodingKeys: String, CodingKey {
            case gas
            case tonnes = "total_t", measuredTonnes = "measured_t", substitutedTonnes = "substituted_t"
            case co2e = "tco2e", hoursInPeriod = "hours_in_period", validHours = "valid_hours"
            case invalidHours = "invalid_hours", missingHours = "missing_hours"
            case captureRatePercent = "data_capture_percent"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(gas, forKey: .gas)
            try container.encode(DecimalText.format(tonnes, places: 6), forKey: .tonnes)
            try container.encode(DecimalText.format(measuredTonnes, places: 6), forKey: .measuredTonnes)
            try container.encode(DecimalText.format(substitutedTonnes, places: 6), forKey: .substitutedTonnes)
            try container.encode(DecimalText.format(co2e, places: 3), forKey: .co2e)
            try container.encode(hoursInPeriod, forKey: .hoursInPeriod)
            try container.encode(validHours, forKey: .validHours)
            try container.encode(invalidHours, forKey: .invalidHours)
            try container.encode(missingHours, forKey: .missingHours)
            try container.encode(DecimalText.format(captureRatePercent, places: 3), forKey: .captureRatePercent)
        }
    }

    public let sourceID: String
    public let periodFrom: String
    public let periodTo: String
    public let hoursInPeriod: Int
    /// One entry per gas measured, CO2 first.
    public let gases: [GasTotal]
    /// Σ tonnes × GWP over the gases, unrounded.
    public let totalCO2e: Decimal
    public let gwpCH4: Decimal
    public let substitutions: [Substitution]
    /// The hourly series, when asked for.
    public let hourly: [Hourly]?
    public let compareWith: String?
    public let trail: FormulaTrail

    /// The total of `gas`, or nil when the source does not measure it.
    public func total(of gas: Gas) -> GasTotal? { gases.first { $0.gas == gas } }

    /// Tonnes of CO2 as a `tCO2` quantity, for adding to calculated sources and for comparison.
    public var co2: Quantity? { total(of: .co2).map { Quantity($0.tonnes, .tonneCO2) } }

    /// Total tCO2e as a quantity.
    public var co2eQuantity: Quantity { Quantity(totalCO2e, .tonneCO2e) }

    enum CodingKeys: String, CodingKey {
        case gases, substitutions, hourly, factors
        case sourceID = "source_id", method, periodFrom = "period_from", periodTo = "period_to"
        case hoursInPeriod = "hours_in_period", totalCO2e = "total_tco2e", gwpCH4 = "gwp_ch4"
        case compareWith = "compare_with", trail = "formula_trail"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode("measurement", forKey: .method)
        try container.encode(periodFrom, forKey: .periodFrom)
        try container.encode(periodTo, forKey: .periodTo)
        try container.encode(hoursInPeriod, forKey: .hoursInPeriod)
        try container.encode(gases, forKey: .gases)
        try container.encode(DecimalText.format(totalCO2e, places: 3), forKey: .totalCO2e)
        try container.encode(DecimalText.plain(gwpCH4), forKey: .gwpCH4)
        try container.encode(substitutions, forKey: .substitutions)
        try container.encodeIfPresent(hourly, forKey: .hourly)
        try container.encodeIfPresent(compareWith, forKey: .compareWith)
        try container.encode(trail.steps, forKey: .trail)
        try container.encode(trail.factors, forKey: .factors)
    }
}
