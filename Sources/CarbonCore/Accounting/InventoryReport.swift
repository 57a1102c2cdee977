import Foundation

/// The printable inventory: decimals as strings, rounded half-up once — tCO2e to 3 places, gas
/// tonnes to 6, intensities to 6 — each from its unrounded value, so a total may differ from the
/// sum of its displayed parts in the last place (that is correct: round once, at the end).
public struct InventoryReport: Encodable, Sendable {
    public static let co2ePlaces = 3
    public static let gasPlaces = 6
    public static let intensityPlaces = 6

    public struct Source: Encodable, Sendable {
        public var id: String
        public var kind: String
        /// The source's figure, signed as it enters the total (deductions negative); `counted` says whether it does.
        public var tco2e: String
        public var counted: Bool
        public var gases: OrderedStrings
        public var biogenicCO2: String?
        public var trail: [FormulaTrail.Step]
        public var factors: [FactorUse]
        public var measurement: MeasurementResult?
        public var comparison: MeasurementComparison?

        enum CodingKeys: String, CodingKey {
            case id, kind, tco2e, counted, gases, trail, factors, measurement, comparison
            case biogenicCO2 = "biogenic_co2_t"
        }
    }

    public struct Memo: Encodable, Sendable {
        public var biogenicCO2: String
        enum CodingKeys: String, CodingKey { case biogenicCO2 = "biogenic_co2_t" }
    }

    public struct IntensityLine: Encodable, Sendable {
        public var id: String
        public var name: String?
        public var production: String
        public var value: String
        public var unit: String
        public var benchmark: BenchmarkResult?
    }

    public var organisation: String
    public var period: InventoryInput.Period
    public var gwp: String
    public var reportingYear: Int
    public var totalTCO2e: String
    public var byKind: OrderedStrings
    public var byGas: OrderedStrings
    public var memo: Memo
    public var intensities: [IntensityLine]
    public var sources: [Source]

    enum CodingKeys: String, CodingKey {
        case organisation, period, gwp, memo, intensities, sources
        case reportingYear = "reporting_year", totalTCO2e = "total_tco2e", byKind = "by_kind", byGas = "by_gas"
    }

    public init(_ result: InventoryResult) {
        func co2e(_ value: Decimal) -> String { DecimalText.format(value, places: Self.co2ePlaces) }
        func gas(_ value: Decimal) -> String { DecimalText.format(value, places: Self.gasPlaces) }
        organisation = result.organisation
        period = result.period
        gwp = result.edition.rawValue
        reportingYear = result.year
        totalTCO2e = co2e(result.total)
        byKind = OrderedStrings(result.byKind.map { ($0.0.rawValue, co2e($0.1)) })
        byGas = OrderedStrings(result.byGas.map { ($0.0.rawValue, gas($0.1)) })
        memo = Memo(biogenicCO2: gas(result.biogenicCO2))
        intensities = result.intensities.map {
            IntensityLine(id: $0.id, name: $0.name, production: $0.production.description,
                          value: DecimalText.format($0.value, places: Self.intensityPlaces), unit: $0.unit,
                          benchmark: $0.benchmark)
        }
        sources = result.sources.map { source in
            Source(id: source.id, kind: source.kind.rawValue, tco2e: co2e(source.kind.sign * source.co2e),
                   counted: source.counted,
                   gases: OrderedStrings(Greenhouse.allCases.compactMap { g in source.gases[g].map { (g.rawValue, gas($0)) } }),
                   biogenicCO2: source.biogenicCO2 == 0 ? nil : gas(source.biogenicCO2),
                   trail: source.trail.steps, factors: source.trail.factors, measurement: source.measurement,
                   comparison: source.comparison)
        }
    }
}


/// A JSON object whose keys keep the order they were given in (dictionaries would not).
public struct OrderedStrings: Encodable, Sendable, Hashable {
    public var pairs: [Pair]
    public struct Pair: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    public init(_ pairs: [(String, String)]) { self.pairs = pairs.map { Pair(key: $0.0, value: $0.1) } }

    public subscript(key: String) -> String? { pairs.first { $0.key == key }?.value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for pair in pairs { try container.encode(pair.value, forKey: Key(stringValue: pair.key)) }
    }
}
