import Foundation

/// A unit of measure: a symbol, its dimension, and the exact factor that takes a value in this
/// unit to the base unit of its dimension (t, GJ, Nm3 at 0 °C and 101.325 kPa, m3, km, h, tC,
/// tCO2, tCO2e, yuan, unit). Gas volumes at other reference states carry the ideal-gas ratio in
/// their factor, so `m3@20C → Nm3` is `× 273.15/293.15`.
public struct Unit: Hashable, Sendable, CustomStringConvertible {
    public let symbol: String
    public let dimension: Dimension
    /// The factor to the base unit as an exact fraction: compound units multiply numerators and
    /// denominators separately and divide once, so `kgCO2/kWh → tCO2/MWh` is exactly 1, not
    /// 0.99999… from two rounded quotients.
    public let numerator: Decimal
    public let denominator: Decimal

    /// value in this unit × factor = value in the base unit.
    public var factor: Decimal { denominator == 1 ? numerator : numerator / denominator }

    public init(symbol: String, dimension: Dimension, factor: Decimal) {
        self.init(symbol: symbol, dimension: dimension, numerator: factor, denominator: 1)
    }

    public init(symbol: String, dimension: Dimension, numerator: Decimal, denominator: Decimal) {
        self.symbol = symbol
        self.dimension = dimension
        self.numerator = numerator
        self.denominator = denominator
    }

    public var description: String { symbol }

    public static func * (lhs: Unit, rhs: Unit) -> Unit {
        Unit(symbol: "\(lhs.symbol)·\(rhs.symbol)", dimension: lhs.dimension * rhs.dimension,
             numerator: lhs.numerator * rhs.numerator, denominator: lhs.denominator * rhs.denominator)
    }

    public static func / (lhs: Unit, rhs: Unit) -> Unit {
        let right = rhs.symbol.contains("/") || rhs.symbol.contains("·") ? "(\(rhs.symbol))" : rhs.symbol
        return Unit(symbol: "\(lhs.symbol)/\(right)", dimension: lhs.dimension / rhs.dimension,
                    numerator: lhs.numerator * rhs.denominator, denominator: lhs.denominator * rhs.numerator)
    }

    /// The factor that takes a value in `self` to a value in `target`; throws when the dimensions
    /// differ, naming both units.
    public func conversionFactor(to target: Unit) throws(CalculationError) -> Decimal {
        guard dimension == target.dimension else {
            throw CalculationError(
                .dimensionMismatch,
                "\(symbol) (\(dimension)) cannot be used as \(target.symbol) (\(target.dimension))")
        }
        let top = numerator * target.denominator
        let bottom = denominator * target.numerator
        return top == bottom ? 1 : top / bottom
    }

    /// The same unit under another name (a relabelled substance, a normalised symbol).
    public func renamed(_ symbol: String, dimension: Dimension? = nil) -> Unit {
        Unit(symbol: symbol, dimension: dimension ?? self.dimension, numerator: numerator, denominator: denominator)
    }

    /// Parses a unit expression: one atom (`t`, `10^4 Nm3`, `万t`), a product (`t·km`, `t.km`),
    /// or a quotient (`GJ/10^4Nm3`, `kgCO2e/t·km`).
    public static func parse(_ text: String) throws(CalculationError) -> Unit {
        try UnitCatalog.parse(text)
    }
}

extension Unit {
    public static let tonne = Unit(symbol: "t", dimension: .mass, factor: 1)
    public static let kilogram = Unit(symbol: "kg", dimension: .mass, factor: Decimal(string: "0.001")!)
    public static let gigajoule = Unit(symbol: "GJ", dimension: .energy, factor: 1)
    public static let terajoule = Unit(symbol: "TJ", dimension: .energy, factor: 1000)
    public static let megawattHour = Unit(symbol: "MWh", dimension: .energy, factor: Decimal(string: "3.6")!)
    public static let normalCubicMetre = Unit(symbol: "Nm3", dimension: .gasVolume, factor: 1)
    public static let tenThousandNormalCubicMetres = Unit(symbol: "10^4Nm3", dimension: .gasVolume, factor: 10_000)
    public static let litre = Unit(symbol: "L", dimension: .liquidVolume, factor: Decimal(string: "0.001")!)
    public static let tonneCarbon = Unit(symbol: "tC", dimension: .carbon, factor: 1)
    public static let tonneCO2 = Unit(symbol: "tCO2", dimension: .co2, factor: 1)
    public static let tonneCO2e = Unit(symbol: "tCO2e", dimension: .co2e, factor: 1)
    public static let kilogramCO2e = Unit(symbol: "kgCO2e", dimension: .co2e, factor: Decimal(string: "0.001")!)
    public static let tonneKilometre = Unit(symbol: "t·km", dimension: Dimension.mass * .distance, factor: 1)
    public static let ratio = Unit(symbol: "ratio", dimension: .none, factor: 1)
    public static let yuan = Unit(symbol: "yuan", dimension: .money, factor: 1)
    public static let hour = Unit(symbol: "h", dimension: .time, factor: 1)
}
