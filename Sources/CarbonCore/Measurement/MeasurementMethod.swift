import Foundation

/// The measurement-based method (requirements M1/M5): emissions of a stack from its CEMS hourly
/// records, with the hours that lack a valid measurement substituted by the rules documented on
/// `GapSubstitution` and reported one by one.
///
/// For each gas and each valid hour, m_h = C_dry × Q_dry × 1 h (see `HourlyMass`); the period
/// total is Σ m_h over valid hours plus Σ substitute over the other hours of the period; the
/// data capture rate is valid hours / hours in the period × 100; tCO2e = t CO2 + t CH4 × GWP_CH4.
public enum MeasurementMethod {
    /// About 11 years of hours; a longer period is almost always a typo in `period.to`, and the
    /// series is held in memory.
    public static let maximumPeriodHours = 100_000

    static let tonneCH4 = Unit(symbol: "tCH4", dimension: .mass, factor: 1)
    static let milligramPerNm3 = Unit(symbol: "mg/Nm3", dimension: Dimension.mass / .gasVolume,
                                      factor: Decimal(sign: .plus, exponent: -9, significand: 1))

    /// Calculates a CEMS source. `gwpCH4` is the caller's (the inventory's GWP edition), in
    /// tCO2e per t CH4; it is used only when the source measures CH4 but must be positive.
    /// Errors carry the field path inside the source object (`hours[4].flow.unit`); an inventory
    /// relocates them with `.at("sources[2]")`.
    public static func calculate(_ source: MeasurementSource, gwpCH4: Decimal,
                                 includeHourly: Bool = false) throws(CalculationError) -> MeasurementResult {
        guard gwpCH4 > 0 else {
            throw CalculationError(.invalidInput, "the GWP of CH4 must be positive, got \(DecimalText.plain(gwpCH4))",
                                   field: "gwp_ch4")
        }
        let (start, count) = try period(source.period)
        let series = try readHours(source, start: start, count: count)

        var trail = FormulaTrail()
        trail.note("method", "CEMS: m_h = C_dry × Q_dry × 1 h; C_mg/Nm3 = C_ppm × M / 22.414 L/mol; "
                       + "C_dry = C_wet / (1 − H2O); Q_dry = Q_wet × (1 − H2O); gaps substituted (≤ 24 h: mean of "
                       + "neighbours; > 24 h: period maximum)",
                   result: "\(count) h from \(start) to \(start.advanced(by: count - 1))")
        trail.use(FactorUse(parameter: "molar_volume", value: HourlyMass.molarVolume, unit: "L/mol",
                            source: "ideal gas at 0 °C, 101.325 kPa (CODATA 22.413 969 L/mol, rounded)",
                            verificationStatus: "derived", defaulted: false))

        var totals: [MeasurementResult.GasTotal] = []
        var substitutions: [MeasurementResult.Substitution] = []
        var hourly: [MeasurementResult.Hourly] = []
        var co2eTerms: [Quantity] = []
        for gas in MeasurementSource.Gas.allCases {
            guard let readings = series[gas] else { continue }
            let gasResult = try total(gas, readings, start: start, gwpCH4: gwpCH4, trail: &trail)
            totals.append(gasResult.total)
            substitutions += gasResult.substitutions
            if includeHourly { hourly += gasResult.hourly }
            co2eTerms.append(gasResult.co2e)
        }

        let totalCO2e = co2eTerms.reduce(Decimal(0)) { $0 + $1.value }
        trail.step("E_CO2e", "Σ E_gas × GWP_gas (GWP_CO2 = 1)", co2eTerms, Quantity(totalCO2e, .tonneCO2e))
        return MeasurementResult(
            sourceID: source.id, periodFrom: start.description, periodTo: start.advanced(by: count - 1).description,
            hoursInPeriod: count, gases: totals, totalCO2e: totalCO2e, gwpCH4: gwpCH4, substitutions: substitutions,
            hourly: includeHourly ? hourly : nil, compareWith: source.compareWith, trail: trail)
    }

    /// Start hour and number of hours of the period, both ends included.
    static func period(_ period: MeasurementSource.Period) throws(CalculationError) -> (UTCHour, Int) {
        let from = try CalculationError.locate("period.from") { try UTCHour.parse(period.from) }
        let to = try CalculationError.locate("period.to") { try UTCHour.parse(period.to) }
        guard to >= from else {
            throw CalculationError(.invalidInput, "the period ends (\(to)) before it starts (\(from))", field: "period.to")
        }
        let count = to.index - from.index + 1
        guard count <= maximumPeriodHours else {
            throw CalculationError(.invalidInput, "the period has \(count) hours, more than \(maximumPeriodHours); "
                                       + "check period.to or split the period", field: "period.to")
        }
        return (from, count)
    }

    /// One slot per hour of the period: the validity flag (missing until a record says otherwise)
    /// and, for valid hours, the hourly mass.
    struct Slot: Sendable {
        var validity: MeasurementSource.Validity = .missing
        var mass: HourlyMass?
        var record: Int?
    }

    static func readHours(_ source: MeasurementSource, start: UTCHour,
                          count: Int) throws(CalculationError) -> [MeasurementSource.Gas: [Slot]] {
        var series: [MeasurementSource.Gas: [Slot]] = [source.gas: Array(repeating: Slot(), count: count)]
        for (index, record) in source.hours.enumerated() {
            let field = "hours[\(index)]"
            let hour = try CalculationError.locate(field + ".hour") { try UTCHour.parse(record.hour) }
            let offset = hour.index - start.index
            guard offset >= 0, offset < count else {
                throw CalculationError(.invalidInput, "\(hour) is outside the period \(start) – "
                                           + "\(start.advanced(by: count - 1))", field: field + ".hour")
            }
            let gas = record.gas ?? source.gas
            var slots = series[gas] ?? Array(repeating: Slot(), count: count)
            if let earlier = slots[offset].record {
                throw CalculationError(.invalidInput, "\(gas.rawValue) at \(hour) is already given by hours[\(earlier)]",
                                       field: field + ".hour")
            }
            slots[offset].record = index
            slots[offset].validity = record.validity
            if record.validity == .valid {
                do { slots[offset].mass = try HourlyMass(record: record, gas: gas) } catch { throw error.at(field) }
            }
            series[gas] = slots
        }
        return series
    }

    struct GasOutcome {
        var total: MeasurementResult.GasTotal
        var substitutions: [MeasurementResult.Substitution]
        var hourly: [MeasurementResult.Hourly]
        var co2e: Quantity
    }

    static func total(_ gas: MeasurementSource.Gas, _ slots: [Slot], start: UTCHour, gwpCH4: Decimal,
                      trail: inout FormulaTrail) throws(CalculationError) -> GasOutcome {
        let name = gas.rawValue
        let unit = gas == .co2 ? Unit.tonneCO2 : tonneCH4
        guard let gaps = GapSubstitution.gaps(in: slots.map { $0.mass?.tonnes }, start: start) else {
            throw CalculationError(.missingInput, "no valid \(name) hour in the period: nothing to substitute from; "
                                       + "report this source by the calculation method", field: "hours")
        }
        trail.use(FactorUse(parameter: "molar_mass_\(name)", value: gas.molarMass, unit: "g/mol",
                            source: "IUPAC conventional atomic weights (C 12.0107, O 15.9994, H 1.00794)",
                            verificationStatus: "derived", defaulted: false))

        let validOffsets = slots.indices.filter { slots[$0].mass != nil }
        if let first = validOffsets.first, let mass = slots[first].mass {
            trail.step("m_h[\(name)]", "C_dry × Q_dry × 1 h (first valid hour, \(start.advanced(by: first)))",
                       [Quantity(mass.concentrationDry, milligramPerNm3),
                        Quantity(mass.flowDry, HourlyMass.normalCubicMetresPerHour), Quantity(1, .hour)],
                       Quantity(mass.tonnes, unit), note: mass.explanation)
        }
        let measured = validOffsets.reduce(Decimal(0)) { $0 + (slots[$1].mass?.tonnes ?? 0) }
        trail.step("E_\(name)_measured", "Σ m_h over \(validOffsets.count) valid hours", [], Quantity(measured, unit))

        var substituted: Decimal = 0
        var substitutions: [MeasurementResult.Substitution] = []
        var substitute: [Int: Decimal] = [:]
        for gap in gaps {
            let gapFrom = start.advanced(by: gap.first).description
            let gapTo = start.advanced(by: gap.last).description
            let amount = gap.value * Decimal(gap.length)
            substituted += amount
            trail.note("substitution[\(name)]", "\(gapFrom) – \(gapTo): \(gap.basis) (rule \(gap.rule.rawValue))",
                       result: "\(DecimalText.plain(gap.value)) t/h × \(gap.length) h = \(DecimalText.plain(amount)) t")
            for offset in gap.first...gap.last {
                substitute[offset] = gap.value
                substitutions.append(MeasurementResult.Substitution(
                    hour: start.advanced(by: offset).description, gas: gas,
                    reason: slots[offset].validity == .invalid ? .invalid : .missing, rule: gap.rule,
                    tonnes: gap.value, gapFrom: gapFrom, gapTo: gapTo, gapHours: gap.length, basis: gap.basis))
            }
        }
        let total = trail.step("E_\(name)", "E_measured + E_substituted",
                               [Quantity(measured, unit), Quantity(substituted, unit)], Quantity(measured + substituted, unit))

        let capture = Decimal(validOffsets.count) * 100 / Decimal(slots.count)
        trail.note("capture[\(name)]", "valid hours / hours in period × 100 = \(validOffsets.count) / \(slots.count) × 100",
                   result: "\(DecimalText.plain(capture)) %")

        let co2e: Quantity
        if gas == .co2 {
            co2e = Quantity(total.value, .tonneCO2e)
        } else {
            let gwp = Quantity(gwpCH4, Unit.tonneCO2e / tonneCH4)
            trail.use(FactorUse(parameter: "gwp_CH4", value: gwpCH4, unit: "tCO2e/t", source: "caller",
                                verificationStatus: "input", defaulted: false))
            co2e = trail.step("E_CH4_CO2e", "E_CH4 × GWP_CH4", [total, gwp], try (total * gwp).converted(to: .tonneCO2e))
        }

        let hourly = slots.indices.map { offset in
            MeasurementResult.Hourly(
                hour: start.advanced(by: offset).description, gas: gas,
                status: slots[offset].mass == nil ? "substituted" : "measured",
                concentrationDry: slots[offset].mass?.concentrationDry, flowDry: slots[offset].mass?.flowDry,
                tonnes: slots[offset].mass?.tonnes ?? substitute[offset] ?? 0)
        }
        let invalid = slots.filter { $0.validity == .invalid }.count
        return GasOutcome(
            total: MeasurementResult.GasTotal(
                gas: gas, tonnes: total.value, measuredTonnes: measured, substitutedTonnes: substituted,
                co2e: co2e.value, hoursInPeriod: slots.count, validHours: validOffsets.count, invalidHours: invalid,
                missingHours: slots.count - validOffsets.count - invalid, captureRatePercent: capture),
            substitutions: substitutions, hourly: hourly, co2e: co2e)
    }
}
