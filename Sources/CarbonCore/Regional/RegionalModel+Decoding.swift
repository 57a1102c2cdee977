import Foundation

extension RegionalModel {
    /// Decodes a model from JSON, turning every decoding problem into a `CalculationError` that
    /// names the field. The keys are explicit snake_case, so no key strategy is needed (a
    /// strategy would also rewrite fuel names used as keys).
    public static func decode(json data: Data) throws(CalculationError) -> RegionalModel {
        do {
            return try JSONDecoder().decode(RegionalModel.self, from: data)
        } catch {
            throw RegionalJSON.calculationError(error)
        }
    }
}

extension RegionalModel: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case schemaVersion = "schema_version"
        case name, description
        case gdpUnit = "gdp_unit"
        case electricity
        case co2PerTce = "co2_per_tce"
        case fuels, nodes
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        _ = try RegionalJSON.string(container, .schemaVersion)
        _ = try RegionalJSON.string(container, .description)
        name = try RegionalJSON.string(container, .name)
        if let unit = try RegionalJSON.string(container, .gdpUnit) {
            let parsed: Unit
            do { parsed = try Unit.parse(unit) } catch { throw error.at(RegionalJSON.path(container, .gdpUnit)) }
            guard parsed.dimension == .money else {
                throw CalculationError(
                    .dimensionMismatch, "\(unit) is \(parsed.dimension), not money",
                    field: RegionalJSON.path(container, .gdpUnit))
            }
            gdpUnit = parsed
        } else {
            gdpUnit = RegionalModel.defaultGDPUnit
        }
        electricity = try container.decodeIfPresent(Electricity.self, forKey: .electricity)
        let rawGroups = try container.decodeIfPresent([String: RegionalFactorBox].self, forKey: .co2PerTce) ?? [:]
        co2PerTce = [:]
        for (key, box) in rawGroups {
            co2PerTce[try FuelGroup.parse(key, field: RegionalJSON.path(container, .co2PerTce) + "." + key)] = box.input
        }
        fuels = try container.decodeIfPresent([String: Fuel].self, forKey: .fuels) ?? [:]
        guard container.contains(.nodes) else {
            throw CalculationError(.missingInput, "is required (the list of regions)", field: "nodes")
        }
        nodes = try container.decode([Node].self, forKey: .nodes)
    }
}

extension RegionalModel.FuelGroup {
    static func parse(_ text: String, field: String) throws(CalculationError) -> Self {
        guard let group = Self(rawValue: text) else {
            throw CalculationError(
                .invalidInput,
                "unknown fuel group '\(text)'; expected one of: \(allCases.map(\.rawValue).joined(separator: ", "))",
                field: field)
        }
        return group
    }
}

/// `{"value": "2.66", "unit": "tCO2/tce", "source": "…"}` or `{"factor_id": "CN-REG-COAL-TCE"}`, not both.
struct RegionalFactorBox: Decodable {
    let input: RegionalModel.FactorInput
    enum CodingKeys: String, CodingKey, CaseIterable {
        case value, unit, source
        case factorID = "factor_id"
    }

    init(from decoder: any Decoder) throws {
        let field = RegionalJSON.path(decoder.codingPath)
        try RegionalJSON.refuseScalar(decoder, example: "{\"value\": \"0.5703\", \"unit\": \"tCO2/MWh\"}")
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try RegionalJSON.string(container, .factorID)
        let source = try RegionalJSON.string(container, .source)
        let hasValue = container.contains(.value) || container.contains(.unit)
        switch (id, hasValue) {
        case (let id?, false):
            guard source == nil else {
                throw CalculationError(
                    .invalidInput, "source belongs to a value given in the input; a factor_id brings its own",
                    field: field)
            }
            input = .factorID(id)
        case (nil, true):
            let value = try RegionalJSON.requiredString(container, .value)
            let unit = try RegionalJSON.requiredString(container, .unit)
            do { input = .quantity(try Quantity(value: value, unit: unit), source: source) } catch {
                throw error.at(field)
            }
        case (.some, true):
            throw CalculationError(.invalidInput, "give either value and unit, or factor_id, not both", field: field)
        case (nil, false):
            throw CalculationError(.missingInput, "needs value and unit, or factor_id", field: field)
        }
    }
}

extension RegionalModel.Electricity: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case gridFactor = "grid_factor"
        case gridFactorByYear = "grid_factor_by_year"
        case netExportPolicy = "net_export_policy"
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gridFactor = try container.decodeIfPresent(RegionalFactorBox.self, forKey: .gridFactor)?.input
        let raw = try container.decodeIfPresent([String: RegionalFactorBox].self, forKey: .gridFactorByYear) ?? [:]
        gridFactorByYear = try RegionalJSON.byYear(raw, field: RegionalJSON.path(container, .gridFactorByYear))
            .mapValues(\.input)
        let policy = try RegionalJSON.requiredString(container, .netExportPolicy)
        guard let parsed = RegionalModel.NetExportPolicy(rawValue: policy) else {
            let accepted = RegionalModel.NetExportPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw CalculationError(
                .invalidInput, "unknown policy '\(policy)'; expected one of: \(accepted)",
                field: RegionalJSON.path(container, .netExportPolicy))
        }
        netExportPolicy = parsed
    }
}

extension RegionalModel.Fuel: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, group
        case tceCoefficient = "tce_coefficient"
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        _ = try RegionalJSON.string(container, .name)
        group = try RegionalModel.FuelGroup.parse(
            try RegionalJSON.requiredString(container, .group), field: RegionalJSON.path(container, .group))
        guard let box = try container.decodeIfPresent(RegionalFactorBox.self, forKey: .tceCoefficient) else {
            throw CalculationError(.missingInput, "is required", field: RegionalJSON.path(container, .tceCoefficient))
        }
        tceCoefficient = box.input
    }
}

extension RegionalModel.Node: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, level, parent, years }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try RegionalJSON.requiredString(container, .id)
        name = try RegionalJSON.string(container, .name)
        level = try RegionalJSON.string(container, .level)
        parent = try RegionalJSON.string(container, .parent)
        let raw = try container.decodeIfPresent([String: RegionalModel.YearData].self, forKey: .years) ?? [:]
        years = try RegionalJSON.byYear(raw, field: RegionalJSON.path(container, .years))
    }
}

extension RegionalModel.YearData: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case enterpriseReports = "enterprise_reports"
        case otherElectricityConsumption = "other_electricity_consumption"
        case otherLocalGeneration = "other_local_generation"
        case energyStatistics = "energy_statistics"
        case reportedTotal = "reported_total"
        case gdp
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enterpriseReports = try container.decodeIfPresent(
            [RegionalModel.EnterpriseReport].self,
            forKey: .enterpriseReports)
        otherElectricityConsumption = try RegionalJSON.quantity(container, .otherElectricityConsumption)
        otherLocalGeneration = try RegionalJSON.quantity(container, .otherLocalGeneration)
        energyStatistics = try container.decodeIfPresent(RegionalModel.EnergyStatistics.self, forKey: .energyStatistics)
        reportedTotal = try container.decodeIfPresent(RegionalModel.ReportedTotal.self, forKey: .reportedTotal)
        gdp = try RegionalJSON.quantity(container, .gdp)
    }
}

extension RegionalModel.EnterpriseReport: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case scope1Emissions = "scope1_emissions"
        case purchasedElectricity = "purchased_electricity"
        case localGeneration = "local_generation"
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try RegionalJSON.requiredString(container, .name)
        scope1Emissions = try RegionalJSON.requiredQuantity(container, .scope1Emissions)
        purchasedElectricity = try RegionalJSON.requiredQuantity(container, .purchasedElectricity)
        localGeneration = try RegionalJSON.quantity(container, .localGeneration)
    }
}

extension RegionalModel.EnergyStatistics: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case fuels
        case netImportedElectricity = "net_imported_electricity"
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fuels = try container.decodeIfPresent([RegionalModel.FuelUse].self, forKey: .fuels) ?? []
        netImportedElectricity = try RegionalJSON.quantity(container, .netImportedElectricity)
    }
}

extension RegionalModel.FuelUse: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case fuel, quantity }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fuel = try RegionalJSON.requiredString(container, .fuel)
        quantity = try RegionalJSON.requiredQuantity(container, .quantity)
    }
}

extension RegionalModel.ReportedTotal: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case directEmissions = "direct_emissions"
        case netImportedElectricity = "net_imported_electricity"
        case source
    }

    public init(from decoder: any Decoder) throws {
        try RegionalJSON.rejectUnknownKeys(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        directEmissions = try RegionalJSON.requiredQuantity(container, .directEmissions)
        netImportedElectricity = try RegionalJSON.quantity(container, .netImportedElectricity)
        source = try RegionalJSON.string(container, .source)
    }
}
