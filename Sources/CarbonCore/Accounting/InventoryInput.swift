import Foundation

/// An enterprise inventory as written by people (the JSON of `carbonctl account`), in the
/// GB/T 32150-2015 structure. Decimals are strings; a value with a unit is `{"value", "unit"}`.
/// Everything is checked when calculating, where errors can name the source and the field.
public struct InventoryInput: Codable, Sendable {
    public struct Period: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
    }

    public var organisation: String
    public var period: Period
    /// GWP edition: AR2, AR4, AR5 or AR6. Changing it recalculates every CO2e figure.
    public var gwp: String?
    /// The reporting year used for factor lookups; defaults to the year of `period.to`.
    public var year: Int?
    public var sources: [SourceInput]
    /// Output quantities (clinker tonnes, MWh supplied) that give intensities in the result.
    public var production: [ProductionInput]?

    enum CodingKeys: String, CodingKey { case organisation, period, gwp, year, sources, production }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        organisation = try container.decode(String.self, forKey: .organisation)
        period = try container.decode(Period.self, forKey: .period)
        gwp = try container.decodeIfPresent(String.self, forKey: .gwp)
        year = try container.decodeIfPresent(Int.self, forKey: .year)
        production = try container.decodeIfPresent([ProductionInput].self, forKey: .production)
        // A `cems` source is also read as the measurement method's own input, from the same object.
        var list = try container.nestedUnkeyedContainer(forKey: .sources)
        var sources: [SourceInput] = []
        while !list.isAtEnd {
            let source = try list.superDecoder()
            var input = try SourceInput(from: source)
            if input.kind == "cems" { input.measurement = try MeasurementSource(from: source) }
            sources.append(input)
        }
        self.sources = sources
    }
}

/// `{"value": "250", "unit": "10^4 Nm3"}`.
public struct QuantityInput: Codable, Sendable, Hashable {
    public var value: String
    public var unit: String

    public init(value: String, unit: String) {
        self.value = value
        self.unit = unit
    }
}

/// Which grid factor to use: region (`CN`, a grid region such as `华东`, or a province), the data
/// year, and the scope (`average`, `excluding_market_nonfossil`, `fossil`, `ets_reporting`).
public struct GridInput: Codable, Sendable, Hashable {
    public var region: String?
    public var year: Int?
    public var scope: String?
}

public struct ProductionInput: Codable, Sendable {
    public var id: String
    public var name: String?
    public var quantity: QuantityInput
    /// An industry benchmark intensity for this output (e.g. `{"value": "0.860", "unit": "tCO2e/t"}`).
    public var benchmark: QuantityInput?
    /// Peer intensities, in the benchmark's unit, for ranking.
    public var peers: [String]?
}

/// One emission source. Which fields apply depends on `kind`; see README "Inventory input".
public struct SourceInput: Codable, Sendable {
    public var id: String
    /// combustion, process, purchased_electricity, exported_electricity, purchased_heat,
    /// exported_heat, recovered_co2, fugitive, cems.
    public var kind: String
    public var name: String?

    public var fuel: String?
    public var material: String?
    public var gas: String?
    public var method: String?

    public var quantity: QuantityInput?
    /// Several readings (e.g. monthly) summed unrounded; instead of `quantity`.
    public var quantities: [QuantityInput]?
    public var density: QuantityInput?

    public var ncv: QuantityInput?
    public var hhv: QuantityInput?
    public var carbonContent: QuantityInput?
    public var carbonFraction: String?
    public var oxidation: String?
    public var co2Factor: QuantityInput?
    public var ch4Factor: QuantityInput?
    public var n2oFactor: QuantityInput?
    /// `fossil` (default for fossil fuels) or `non_fossil`: which AR6 methane GWP applies.
    public var ch4Origin: String?
    /// Biomass: CO2 reported as a memo item outside the total.
    public var biogenic: Bool?

    /// An explicit factor per activity unit (any kind), e.g. `tCO2/t` or `tCO2/MWh`.
    public var factor: QuantityInput?
    /// A library factor named directly.
    public var factorID: String?

    public var purity: String?
    public var grid: GridInput?
    public var steamEnthalpy: QuantityInput?
    public var feedwaterEnthalpy: QuantityInput?

    // Clinker (CaO/MgO) method and raw-meal organic carbon.
    public var kilnDust: QuantityInput?
    public var cao: String?
    public var caoNonCarbonate: String?
    public var mgo: String?
    public var mgoNonCarbonate: String?
    public var organicCarbon: String?

    // Fugitive gases from equipment: nameplate capacity of retired equipment less what was recovered.
    public var nameplate: QuantityInput?
    public var recovered: QuantityInput?

    /// A `cems` source with `compare_with` is, by default, a check on that calculated source and
    /// not counted (`comparison`); `total` counts the measurement instead of the calculation.
    public var use: String?
    /// The measurement method's input, for `kind: "cems"` (read from the same JSON object).
    public var measurement: MeasurementSource? = nil

    enum CodingKeys: String, CodingKey {
        case id, kind, name, fuel, material, gas, method, quantity, quantities, density, ncv, hhv
        case carbonContent = "carbon_content", carbonFraction = "carbon_fraction", oxidation
        case co2Factor = "co2_factor", ch4Factor = "ch4_factor", n2oFactor = "n2o_factor", ch4Origin = "ch4_origin"
        case biogenic, factor, factorID = "factor_id", purity, grid
        case steamEnthalpy = "steam_enthalpy", feedwaterEnthalpy = "feedwater_enthalpy", kilnDust = "kiln_dust"
        case cao, caoNonCarbonate = "cao_non_carbonate", mgo, mgoNonCarbonate = "mgo_non_carbonate"
        case organicCarbon = "organic_carbon", nameplate, recovered, use
    }
}
