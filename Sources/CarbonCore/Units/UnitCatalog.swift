import Foundation

/// Every unit symbol the system accepts, with its exact factor to the base unit. Prefixes
/// `10^N`, `万` (10^4) and `亿` (10^8) combine with any atom: `10^4 Nm3`, `万t`, `亿kWh`, `万元`.
public enum UnitCatalog {
    struct Atom {
        let symbols: [String]
        let dimension: Dimension
        let factor: String
        /// Divisor of `factor`, for units whose factor is not a finite decimal (1/3600 h, 273.15/293.15).
        var per: String = "1"
        let note: String
    }

    /// Kelvin of the reference states; the ideal-gas law at equal pressure (101.325 kPa) gives
    /// V(0 °C) = V(T) × 273.15 / T.
    static let zeroCelsius = Decimal(string: "273.15")!


    static let atoms: [Atom] = [
        // Mass
        Atom(symbols: ["g"], dimension: .mass, factor: "0.000001", note: "gram"),
        Atom(symbols: ["kg"], dimension: .mass, factor: "0.001", note: "kilogram"),
        Atom(symbols: ["t", "tonne", "吨"], dimension: .mass, factor: "1", note: "tonne"),
        Atom(symbols: ["kt"], dimension: .mass, factor: "1000", note: "kilotonne"),
        Atom(symbols: ["Gg"], dimension: .mass, factor: "1000", note: "gigagram = 1 kt"),
        Atom(symbols: ["Mt"], dimension: .mass, factor: "1000000", note: "megatonne"),
        Atom(symbols: ["short ton", "short_ton", "ton_us"], dimension: .mass, factor: "0.90718474", note: "2000 lb"),
        Atom(symbols: ["lb"], dimension: .mass, factor: "0.00045359237", note: "avoirdupois pound"),
        // Carbon, CO2 and CO2e mass: separate dimensions, converted only by explicit chemistry.
        Atom(symbols: ["gC"], dimension: .carbon, factor: "0.000001", note: "gram of carbon"),
        Atom(symbols: ["kgC"], dimension: .carbon, factor: "0.001", note: "kilogram of carbon"),
        Atom(symbols: ["tC"], dimension: .carbon, factor: "1", note: "tonne of carbon"),
        Atom(symbols: ["gCO2"], dimension: .co2, factor: "0.000001", note: "gram of CO2"),
        Atom(symbols: ["kgCO2"], dimension: .co2, factor: "0.001", note: "kilogram of CO2"),
        Atom(symbols: ["tCO2"], dimension: .co2, factor: "1", note: "tonne of CO2"),
        Atom(symbols: ["gCO2e"], dimension: .co2e, factor: "0.000001", note: "gram of CO2 equivalent"),
        Atom(symbols: ["kgCO2e", "kgCO2eq"], dimension: .co2e, factor: "0.001", note: "kilogram of CO2 equivalent"),
        Atom(symbols: ["tCO2e", "tCO2eq"], dimension: .co2e, factor: "1", note: "tonne of CO2 equivalent"),
        Atom(symbols: ["MtCO2e"], dimension: .co2e, factor: "1000000", note: "megatonne of CO2 equivalent"),
        // Energy (and electricity, which is energy: 1 kWh = 3.6 MJ)
        Atom(symbols: ["J"], dimension: .energy, factor: "0.000000001", note: "joule"),
        Atom(symbols: ["kJ"], dimension: .energy, factor: "0.000001", note: "kilojoule"),
        Atom(symbols: ["MJ"], dimension: .energy, factor: "0.001", note: "megajoule"),
        Atom(symbols: ["GJ"], dimension: .energy, factor: "1", note: "gigajoule"),
        Atom(symbols: ["TJ"], dimension: .energy, factor: "1000", note: "terajoule"),
        Atom(symbols: ["PJ"], dimension: .energy, factor: "1000000", note: "petajoule"),
        Atom(symbols: ["kWh", "度"], dimension: .energy, factor: "0.0036", note: "kilowatt-hour"),
        Atom(symbols: ["MWh"], dimension: .energy, factor: "3.6", note: "megawatt-hour"),
        Atom(symbols: ["GWh"], dimension: .energy, factor: "3600", note: "gigawatt-hour"),
        Atom(symbols: ["TWh"], dimension: .energy, factor: "3600000", note: "terawatt-hour"),
        Atom(symbols: ["kcal"], dimension: .energy, factor: "0.0000041868", note: "IT kilocalorie, 4.1868 kJ"),
        Atom(symbols: ["Mcal"], dimension: .energy, factor: "0.0041868", note: "IT megacalorie"),
        Atom(symbols: ["Gcal"], dimension: .energy, factor: "4.1868", note: "IT gigacalorie (heat metering)"),
        Atom(symbols: ["kgce"], dimension: .energy, factor: "0.0293076", note: "kg of standard coal, 7000 kcal (GB/T 2589)"),
        Atom(symbols: ["tce"], dimension: .energy, factor: "29.3076", note: "tonne of standard coal"),
        Atom(symbols: ["mmBtu", "MMBtu"], dimension: .energy, factor: "1.055056", note: "million British thermal units"),
        // Gas volume at standard conditions; the base is Nm3 (0 °C, 101.325 kPa).
        Atom(symbols: ["Nm3", "Nm³"], dimension: .gasVolume, factor: "1", note: "normal cubic metre, 0 °C, 101.325 kPa"),
        Atom(symbols: ["m3@0C"], dimension: .gasVolume, factor: "1", note: "cubic metre of gas at 0 °C = Nm3"),
        Atom(symbols: ["m3@15C"], dimension: .gasVolume, factor: "273.15", per: "288.15",
             note: "cubic metre of gas at 15 °C, 101.325 kPa"),
        Atom(symbols: ["m3@20C"], dimension: .gasVolume, factor: "273.15", per: "293.15",
             note: "cubic metre of gas at 20 °C, 101.325 kPa (common in Chinese gas billing)"),
        // 60 °F = 519.67 °R / 1.8 K; V(0 °C) = V × 273.15 × 1.8 / 519.67.
        Atom(symbols: ["scf"], dimension: .gasVolume, factor: "13.92254396388864", per: "519.67",
             note: "standard cubic foot, 60 °F (pressure taken as 101.325 kPa)"),
        Atom(symbols: ["m3@60F"], dimension: .gasVolume, factor: "491.67", per: "519.67",
             note: "cubic metre of gas at 60 °F"),
        // Liquid (geometric) volume
        Atom(symbols: ["mL"], dimension: .liquidVolume, factor: "0.000001", note: "millilitre"),
        Atom(symbols: ["L", "l"], dimension: .liquidVolume, factor: "0.001", note: "litre"),
        Atom(symbols: ["kL"], dimension: .liquidVolume, factor: "1", note: "kilolitre"),
        Atom(symbols: ["m3", "m³"], dimension: .liquidVolume, factor: "1", note: "cubic metre (liquid or solid; write gases as Nm3 or m3@20C)"),
        Atom(symbols: ["US gal", "US gallon", "gal"], dimension: .liquidVolume, factor: "0.003785411784", note: "US gallon"),
        Atom(symbols: ["bbl"], dimension: .liquidVolume, factor: "0.158987294928", note: "oil barrel, 42 US gal"),
        // Distance, time, money, count
        Atom(symbols: ["m"], dimension: .distance, factor: "0.001", note: "metre"),
        Atom(symbols: ["km"], dimension: .distance, factor: "1", note: "kilometre"),
        Atom(symbols: ["s"], dimension: .time, factor: "1", per: "3600", note: "second"),
        Atom(symbols: ["min"], dimension: .time, factor: "1", per: "60", note: "minute"),
        Atom(symbols: ["h"], dimension: .time, factor: "1", note: "hour"),
        Atom(symbols: ["d"], dimension: .time, factor: "24", note: "day"),
        Atom(symbols: ["yuan", "元", "CNY"], dimension: .money, factor: "1", note: "renminbi yuan"),
        Atom(symbols: ["unit", "pcs", "item", "FU"], dimension: .count, factor: "1", note: "count (items, functional units)"),
        // Dimensionless
        Atom(symbols: ["ratio", "fraction", "1"], dimension: .none, factor: "1", note: "plain ratio"),
        Atom(symbols: ["%", "percent"], dimension: .none, factor: "0.01", note: "per cent"),
        Atom(symbols: ["‰", "permille"], dimension: .none, factor: "0.001", note: "per mille"),
    ]

    static let table: [String: Unit] = {
        var table: [String: Unit] = [:]
        for atom in atoms {
            let unit = Unit(symbol: atom.symbols[0], dimension: atom.dimension,
                            numerator: Decimal(string: atom.factor)!, denominator: Decimal(string: atom.per)!)
            for symbol in atom.symbols { table[normalise(symbol)] = unit }
        }
        return table
    }()

    /// Every accepted atom, for error messages and `carbonctl units list`.
    public static var acceptedSymbols: [String] { atoms.map { $0.symbols[0] } }

    /// Symbol, dimension and note of every atom, in catalogue order.
    public static var catalogue: [(symbol: String, aliases: [String], dimension: Dimension, factor: Decimal, note: String)] {
        atoms.map { ($0.symbols[0], Array($0.symbols.dropFirst()), $0.dimension,
                     Decimal(string: $0.factor)! / Decimal(string: $0.per)!, $0.note) }
    }

    static func normalise(_ symbol: String) -> String {
        symbol.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "³", with: "3")
            .replacingOccurrences(of: "⁴", with: "4").replacingOccurrences(of: "×", with: "")
    }

    static func parse(_ text: String) throws(CalculationError) -> Unit {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CalculationError(.unknownUnit, "a unit is required") }
        let halves = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count <= 2, halves.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw unknown(text)
        }
        let numerator = try product(String(halves[0]), whole: text)
        guard halves.count == 2 else { return numerator }
        var denominatorText = String(halves[1]).trimmingCharacters(in: .whitespaces)
        if denominatorText.hasPrefix("("), denominatorText.hasSuffix(")") {
            denominatorText = String(denominatorText.dropFirst().dropLast())
        }
        let denominator = try product(denominatorText, whole: text)
        return Unit(symbol: trimmed, dimension: numerator.dimension / denominator.dimension,
                    numerator: numerator.numerator * denominator.denominator,
                    denominator: numerator.denominator * denominator.numerator)
    }

    /// `t·km`, `t.km`, `t*km`: a product of atoms.
    static func product(_ text: String, whole: String) throws(CalculationError) -> Unit {
        let parts = text.split(whereSeparator: { $0 == "·" || $0 == "*" || $0 == "." || $0 == "⋅" })
        guard !parts.isEmpty else { throw unknown(whole) }
        var result: Unit? = nil
        for part in parts {
            let unit = try atom(String(part), whole: whole)
            result = result.map { $0 * unit } ?? unit
        }
        return result!.renamed(text.trimmingCharacters(in: .whitespaces))
    }

    static func atom(_ text: String, whole: String) throws(CalculationError) -> Unit {
        let key = normalise(text)
        if let unit = table[key] { return unit }
        // Multipliers written in front of an atom: 10^4 Nm3, 万t, 亿kWh.
        var multiplier: Decimal? = nil
        var rest = Substring(key)
        if rest.hasPrefix("10^") {
            let digits = rest.dropFirst(3).prefix(while: { $0.isASCII && $0.isNumber })
            if let power = Int(digits), power <= 12, digits.count < rest.count - 3 {
                multiplier = pow(Decimal(10), power)
                rest = rest.dropFirst(3 + digits.count)
            }
        } else if rest.hasPrefix("万") {
            multiplier = 10_000
            rest = rest.dropFirst()
        } else if rest.hasPrefix("亿") {
            multiplier = 100_000_000
            rest = rest.dropFirst()
        }
        if let multiplier, let unit = table[String(rest)] {
            return Unit(symbol: text.trimmingCharacters(in: .whitespaces), dimension: unit.dimension,
                        numerator: multiplier * unit.numerator, denominator: unit.denominator)
        }
        throw unknown(whole)
    }

    static func unknown(_ text: String) -> CalculationError {
        CalculationError(
            .unknownUnit,
            "unknown unit '\(text)'; accepted: \(acceptedSymbols.joined(separator: ", ")), prefixed by 10^N, 万 or 亿, combined with '/' and '·'"
        )
    }
}
