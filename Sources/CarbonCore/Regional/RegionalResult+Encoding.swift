import Foundation

/// JSON output: snake_case keys, decimals as strings rounded half-up once, here: tCO2 and MWh to
/// 3 places, percentages to 3, intensities to 6. Years are JSON integers. Absent values are
/// omitted rather than written as null.
extension RegionalResult: Encodable {
    static let tonnes = 3, percent = 3, intensity = 6

    enum CodingKeys: String, CodingKey {
        case name
        case netExportPolicy = "net_export_policy"
        case views, units, rounding
        case diagnosticNote = "diagnostic_note"
        case nodes
    }

    enum ViewKeys: String, CodingKey { case territorial, consumption }
    enum UnitKeys: String, CodingKey { case emissions, electricity, energy, gdp, intensity, change }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(netExportPolicy?.rawValue, forKey: .netExportPolicy)
        var views = container.nestedContainer(keyedBy: ViewKeys.self, forKey: .views)
        try views.encode(territorialView, forKey: .territorial)
        try views.encode(consumptionView, forKey: .consumption)
        var units = container.nestedContainer(keyedBy: UnitKeys.self, forKey: .units)
        try units.encode("tCO2", forKey: .emissions)
        try units.encode("MWh", forKey: .electricity)
        try units.encode("tce", forKey: .energy)
        try units.encode(gdpUnit.symbol, forKey: .gdp)
        try units.encode("tCO2/\(gdpUnit.symbol)", forKey: .intensity)
        try units.encode("%", forKey: .change)
        try container.encode(
            "half-up, once, at output: tCO2, MWh and tce to 3 places, percentages to 3, intensities to 6",
            forKey: .rounding)
        try container.encode(EnterpriseDiagnostic.label, forKey: .diagnosticNote)
        try container.encode(nodes, forKey: .nodes)
    }

    /// The result as pretty-printed JSON for `carbonctl region`.
    public func encodedJSON() throws(CalculationError) -> Data {
        let encoder = JSONEncoder()
        // Sorted keys: byte-stable output, so two runs of the same model diff clean.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(self) } catch {
            throw CalculationError(.invalidInput, "the result could not be encoded: \(error)")
        }
    }

    static func tCO2(_ value: Decimal) -> String { DecimalText.format(value, places: tonnes) }
}

extension RegionalResult.Node: Encodable {
    enum CodingKeys: String, CodingKey { case id, name, level, parent, children, depth, years, trend }
    enum TrendKeys: String, CodingKey { case territorial, consumption }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(level, forKey: .level)
        try container.encodeIfPresent(parent, forKey: .parent)
        try container.encode(children, forKey: .children)
        try container.encode(depth, forKey: .depth)
        try container.encode(years, forKey: .years)
        var trend = container.nestedContainer(keyedBy: TrendKeys.self, forKey: .trend)
        try trend.encodeIfPresent(territorialTrend, forKey: .territorial)
        try trend.encodeIfPresent(consumptionTrend, forKey: .consumption)
    }
}

extension RegionalResult.Year: Encodable {
    enum CodingKeys: String, CodingKey {
        case year, method
        case territorialView = "territorial_view"
        case consumptionView = "consumption_view"
        case territorial = "territorial_tco2"
        case netImport = "net_imported_electricity_mwh"
        case adjustment = "electricity_adjustment_tco2"
        case consumption = "consumption_tco2"
        case bySource = "direct_by_source_tco2"
        case tce = "energy_tce_by_group"
        case gdp
        case gdpSource = "gdp_source"
        case territorialIntensity = "intensity_territorial"
        case consumptionIntensity = "intensity_consumption"
        case diagnostic = "enterprise_diagnostic"
        case trail
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(year, forKey: .year)
        try container.encode(method.rawValue, forKey: .method)
        try container.encode(territorialView, forKey: .territorialView)
        try container.encode(consumptionView, forKey: .consumptionView)
        try container.encode(RegionalResult.tCO2(territorial), forKey: .territorial)
        try container.encode(RegionalResult.tCO2(netImportedElectricity), forKey: .netImport)
        try container.encode(RegionalResult.tCO2(electricityAdjustment), forKey: .adjustment)
        try container.encode(RegionalResult.tCO2(consumption), forKey: .consumption)
        var sources = container.nestedContainer(keyedBy: StrictJSONKey.self, forKey: .bySource)
        for source in RegionalResult.DirectSource.allCases {
            guard let value = directBySource[source] else { continue }
            try sources.encode(RegionalResult.tCO2(value), forKey: .init(stringValue: source.rawValue))
        }
        if !tceByGroup.isEmpty {
            var groups = container.nestedContainer(keyedBy: StrictJSONKey.self, forKey: .tce)
            for group in RegionalModel.FuelGroup.allCases {
                guard let value = tceByGroup[group] else { continue }
                try groups.encode(RegionalResult.tCO2(value), forKey: .init(stringValue: group.rawValue))
            }
        }
        try container.encodeIfPresent(gdp.map(DecimalText.plain), forKey: .gdp)
        try container.encodeIfPresent(gdpSource, forKey: .gdpSource)
        let places = RegionalResult.intensity
        try container.encodeIfPresent(
            territorialIntensity.map { DecimalText.format($0, places: places) },
            forKey: .territorialIntensity)
        try container.encodeIfPresent(
            consumptionIntensity.map { DecimalText.format($0, places: places) },
            forKey: .consumptionIntensity)
        try container.encodeIfPresent(enterpriseDiagnostic, forKey: .diagnostic)
        try container.encode(RegionalTrailJSON(trail), forKey: .trail)
    }
}

extension RegionalResult.EnterpriseDiagnostic: Encodable {
    enum CodingKeys: String, CodingKey {
        case label, enterprises
        case scope1 = "scope1_tco2"
        case purchased = "purchased_electricity_mwh"
        case generation = "local_generation_mwh"
        case naive = "naive_sum_of_enterprise_totals_tco2"
        case doubleCounted = "double_counted_tco2"
    }
    enum EnterpriseKeys: String, CodingKey {
        case name
        case scope1 = "scope1_tco2"
        case indirect = "indirect_tco2"
        case total = "total_tco2"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        if !enterprises.isEmpty {
            var list = container.nestedUnkeyedContainer(forKey: .enterprises)
            for enterprise in enterprises {
                var item = list.nestedContainer(keyedBy: EnterpriseKeys.self)
                try item.encode(enterprise.name, forKey: .name)
                try item.encode(RegionalResult.tCO2(enterprise.scope1), forKey: .scope1)
                try item.encode(RegionalResult.tCO2(enterprise.indirect), forKey: .indirect)
                try item.encode(RegionalResult.tCO2(enterprise.total), forKey: .total)
            }
        }
        try container.encode(RegionalResult.tCO2(scope1), forKey: .scope1)
        try container.encode(RegionalResult.tCO2(purchasedElectricity), forKey: .purchased)
        try container.encode(RegionalResult.tCO2(localGeneration), forKey: .generation)
        try container.encode(RegionalResult.tCO2(naiveSum), forKey: .naive)
        try container.encode(RegionalResult.tCO2(doubleCounted), forKey: .doubleCounted)
    }
}

extension RegionalResult.Trend: Encodable {
    enum CodingKeys: String, CodingKey {
        case view
        case yearOnYear = "year_on_year_percent"
        case peakYear = "peak_year"
        case peakValue = "peak_tco2"
        case lastYear = "last_year"
        case lastValue = "last_tco2"
        case fromPeak = "change_from_peak_percent"
        case trail
    }
    enum ChangeKeys: String, CodingKey { case year, percent }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(view, forKey: .view)
        var list = container.nestedUnkeyedContainer(forKey: .yearOnYear)
        for change in yearOnYear {
            var item = list.nestedContainer(keyedBy: ChangeKeys.self)
            try item.encode(change.year, forKey: .year)
            try item.encode(DecimalText.format(change.percent, places: RegionalResult.percent), forKey: .percent)
        }
        try container.encode(peakYear, forKey: .peakYear)
        try container.encode(RegionalResult.tCO2(peakValue), forKey: .peakValue)
        try container.encode(lastYear, forKey: .lastYear)
        try container.encode(RegionalResult.tCO2(lastValue), forKey: .lastValue)
        try container.encodeIfPresent(
            changeFromPeakPercent.map { DecimalText.format($0, places: RegionalResult.percent) },
            forKey: .fromPeak)
        try container.encode(RegionalTrailJSON(trail), forKey: .trail)
    }
}

/// `FormulaTrail` as JSON: its steps and the factors used.
struct RegionalTrailJSON: Encodable {
    let steps: [FormulaTrail.Step]
    let factors: [FactorUse]
    init(_ trail: FormulaTrail) {
        steps = trail.steps
        factors = trail.factors
    }
}
