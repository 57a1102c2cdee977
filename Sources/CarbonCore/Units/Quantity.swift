import Foundation

/// A decimal value with a unit. Arithmetic keeps dimensions honest: adding a mass to an energy,
/// or converting `MWh` to `t`, throws an error that names both units.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    public var value: Decimal
    public var unit: Unit

    public init(_ value: Decimal, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// Parses a value string and a unit string (`"250"`, `"10^4 Nm3"`).
    public init(value: String, unit: String) throws(CalculationError) {
        let number: Decimal
        do { number = try DecimalText.parse(value) } catch { throw error.at("value") }
        let parsed: Unit
        do { parsed = try Unit.parse(unit) } catch { throw error.at("unit") }
        self.init(number, parsed)
    }

    public var dimension: Dimension { unit.dimension }

    public var description: String { "\(DecimalText.plain(value)) \(unit.symbol)" }

    public func converted(to target: Unit) throws(CalculationError) -> Quantity {
        do {
            return Quantity(value * (try unit.conversionFactor(to: target)), target)
        } catch {
            var located = error
            located.message = "\(self) is \(unit.dimension), not \(target.dimension) (\(target.symbol))"
            throw located
        }
    }

    /// The value expressed in `target`.
    public func value(in target: Unit) throws(CalculationError) -> Decimal {
        try converted(to: target).value
    }

    /// The value expressed in the base unit of its dimension.
    public var baseValue: Decimal { value * unit.factor }

    public static func * (lhs: Quantity, rhs: Quantity) -> Quantity {
        Quantity(lhs.value * rhs.value, lhs.unit * rhs.unit)
    }

    public static func / (lhs: Quantity, rhs: Quantity) -> Quantity {
        Quantity(lhs.value / rhs.value, lhs.unit / rhs.unit)
    }

    public static func * (lhs: Quantity, rhs: Decimal) -> Quantity {
        Quantity(lhs.value * rhs, lhs.unit)
    }

    /// The sum, in `self`'s unit; throws when the dimensions differ.
    public func adding(_ other: Quantity) throws(CalculationError) -> Quantity {
        Quantity(value + (try other.value(in: unit)), unit)
    }

    public func subtracting(_ other: Quantity) throws(CalculationError) -> Quantity {
        Quantity(value - (try other.value(in: unit)), unit)
    }

    /// For dimensionless quantities (`94%`, `0.94`): the plain ratio.
    public func ratio() throws(CalculationError) -> Decimal {
        try value(in: .ratio)
    }

    /// Parses a ratio written as `"0.94"`, `"94%"` or `"94 %"`.
    public static func parseRatio(_ text: String) throws(CalculationError) -> Decimal {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in [("%", Decimal(string: "0.01")!), ("‰", Decimal(string: "0.001")!)]
        where trimmed.hasSuffix(suffix) {
            return try DecimalText.parse(String(trimmed.dropLast(suffix.count))) * scale
        }
        return try DecimalText.parse(trimmed)
    }
}
