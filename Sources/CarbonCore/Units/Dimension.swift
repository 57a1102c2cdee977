/// The physical kind of a quantity, as exponents of base quantities. Carbon, CO2 and CO2e masses
/// are base quantities of their own, distinct from plain mass: `tC/GJ × GJ` is `tC`, and turning
/// it into `tCO2` takes the explicit 44/12 step, so a forgotten conversion is a type error, not
/// a silently wrong figure.
public struct Dimension: Hashable, Sendable, CustomStringConvertible {
    public enum Base: Int, CaseIterable, Sendable {
        case mass, energy, gasVolume, liquidVolume, distance, time, carbon, co2, co2e, money, count

        var name: String {
            switch self {
            case .mass: "mass"
            case .energy: "energy"
            case .gasVolume: "gas volume at standard conditions"
            case .liquidVolume: "volume"
            case .distance: "distance"
            case .time: "time"
            case .carbon: "carbon mass"
            case .co2: "CO2 mass"
            case .co2e: "CO2e mass"
            case .money: "money"
            case .count: "count"
            }
        }
    }

    private var exponents: [Int8]

    public static let none = Dimension()
    public init() { exponents = Array(repeating: 0, count: Base.allCases.count) }
    public init(_ base: Base) {
        self.init()
        exponents[base.rawValue] = 1
    }

    public subscript(base: Base) -> Int8 { exponents[base.rawValue] }

    public static func * (lhs: Dimension, rhs: Dimension) -> Dimension {
        var result = lhs
        for index in result.exponents.indices { result.exponents[index] += rhs.exponents[index] }
        return result
    }

    public static func / (lhs: Dimension, rhs: Dimension) -> Dimension {
        var result = lhs
        for index in result.exponents.indices { result.exponents[index] -= rhs.exponents[index] }
        return result
    }

    public var isDimensionless: Bool { exponents.allSatisfy { $0 == 0 } }

    public static let mass = Dimension(.mass)
    public static let energy = Dimension(.energy)
    public static let gasVolume = Dimension(.gasVolume)
    public static let liquidVolume = Dimension(.liquidVolume)
    public static let distance = Dimension(.distance)
    public static let time = Dimension(.time)
    public static let carbon = Dimension(.carbon)
    public static let co2 = Dimension(.co2)
    public static let co2e = Dimension(.co2e)
    public static let money = Dimension(.money)
    public static let count = Dimension(.count)

    /// "energy", "carbon mass per energy", "ratio".
    public var description: String {
        if isDimensionless { return "ratio" }
        func names(_ positive: Bool) -> String {
            Base.allCases.compactMap { base -> String? in
                let exponent = self[base]
                guard positive ? exponent > 0 : exponent < 0 else { return nil }
                let magnitude = abs(Int(exponent))
                return magnitude == 1 ? base.name : "\(base.name)^\(magnitude)"
            }.joined(separator: "·")
        }
        let numerator = names(true)
        let denominator = names(false)
        if denominator.isEmpty { return numerator }
        return (numerator.isEmpty ? "1" : numerator) + " per " + denominator
    }
}
